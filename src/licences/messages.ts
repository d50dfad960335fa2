/**
 * The emails a licence holder gets, in their language: the licence was issued (with the link
 * to it), and reminders before it ends. Registered with the built-in message templates, so
 * system administrators can reword them at /admin/messages/templates like any other.
 */
import { addBuiltInTemplates } from '../notifications/defaults.js';

const signature = '{council}\n{site}\n\nThis email was sent automatically. Replies may not be read.';
const firma = '{council}\n{site}\n\nEste correo se envió automáticamente. Puede que no se lean las respuestas.';
const tawqi = '{council}\n{site}\n\nأُرسلت هذه الرسالة تلقائيًا. قد لا تُقرأ الردود.';

const placeholders = {
  council: "the council's name", site: 'the council site', number: 'the licence number, e.g. LIC-2026-000123',
  service: 'what the licence is for, e.g. Street party road closure', holder: "the holder's name", link: 'the page to see and download the licence', validUntil: 'the last day it is valid',
};
const sample = { council: 'Springfield Council', site: 'https://council.example', number: 'LIC-2026-000123', service: 'Street party road closure', holder: 'Sam Smith', link: 'https://council.example/licences/LIC-2026-000123?key=sample', validUntil: '31 December 2026' };

addBuiltInTemplates('licence_issued', {
  audience: 'the holder of a licence that was just issued',
  placeholders,
  sample,
  texts: {
    email: {
      en: { subject: 'Your licence {number} has been issued', body: `Your licence for {service} has been issued. Its number is {number}. It is valid until {validUntil}.\n\nSee it and download it here:\n{link}\n\nAnyone can check it is genuine by scanning its QR code.\n\n${signature}` },
      es: { subject: 'Se ha emitido su licencia {number}', body: `Se ha emitido su licencia para {service}. Su número es {number}. Es válida hasta el {validUntil}.\n\nPuede verla y descargarla aquí:\n{link}\n\nCualquier persona puede comprobar que es auténtica escaneando su código QR.\n\n${firma}` },
      ar: { subject: 'صدرت رخصتك {number}', body: `صدرت رخصتك الخاصة بـ {service}. رقمها {number}. وهي صالحة حتى {validUntil}.\n\nيمكنك الاطلاع عليها وتنزيلها من هنا:\n{link}\n\nيمكن لأي شخص التحقق من صحتها بمسح رمز QR الخاص بها.\n\n${tawqi}` },
    },
  },
});

addBuiltInTemplates('licence_renewal_reminder', {
  audience: 'the holder of a licence that ends soon',
  placeholders: { ...placeholders, days: 'how many days are left', renewLink: 'the link that starts a renewal, filled in from the last application (it works for 90 days)' },
  sample: { ...sample, days: '30', renewLink: 'https://council.example/apply/renew/LIC-2026-000123?token=sample' },
  texts: {
    email: {
      en: { subject: 'Your licence {number} ends in {days} days', body: `Your licence for {service} (number {number}) ends on {validUntil}, in {days} days.\n\nIf you still need it, apply to renew it before then. Your answers from last time are filled in for you:\n{renewLink}\n\nYou can see your licence here:\n{link}\n\n${signature}` },
      es: { subject: 'Su licencia {number} vence en {days} días', body: `Su licencia para {service} (número {number}) vence el {validUntil}, dentro de {days} días.\n\nSi todavía la necesita, solicite su renovación antes de esa fecha. Sus respuestas de la última vez ya están rellenadas:\n{renewLink}\n\nPuede ver su licencia aquí:\n{link}\n\n${firma}` },
      ar: { subject: 'تنتهي رخصتك {number} خلال {days} يومًا', body: `تنتهي رخصتك الخاصة بـ {service} (رقم {number}) في {validUntil}، أي خلال {days} يومًا.\n\nإن كنت ما زلت بحاجة إليها، فقدّم طلب تجديدها قبل ذلك. إجاباتك السابقة معبأة لك مسبقًا:\n{renewLink}\n\nيمكنك الاطلاع على رخصتك هنا:\n{link}\n\n${tawqi}` },
    },
  },
});

export const LICENCE_EVENTS = ['licence_issued', 'licence_renewal_reminder'] as const;
