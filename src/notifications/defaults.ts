/**
 * The built-in wording of every message, per event, channel and language. System administrators
 * may override any of them at /admin/messages/templates; resetting brings these back.
 *
 * Writing rules: plain words, one link, the reference in every message. A paragraph (text
 * between blank lines) in which a placeholder has no value is left out: "What we said: {note}"
 * disappears when there is no note.
 */
export type Channel = 'email' | 'sms' | 'in_app';
export const channels: readonly Channel[] = ['email', 'sms', 'in_app'];

export interface TemplateText {
  /** Email only. */
  subject?: string;
  body: string;
}

/** An event's placeholders, what each means (shown to staff), and its texts. */
export interface EventTemplates {
  /** Who gets it, in a few words (staff view). */
  audience: string;
  placeholders: Record<string, string>;
  texts: Partial<Record<Channel, Partial<Record<string, TemplateText>>>>;
  /** Values shown by the preview. */
  sample: Record<string, string>;
}

const common = { council: "the council's name", reference: 'the report number', service: 'the service, e.g. Graffiti', link: 'the report page' };
const caseSample = { council: 'Springfield Council', reference: '1234', service: 'Graffiti', link: 'https://council.example/requests/1234', status: 'open', note: 'A crew is booked for Tuesday.' };
const signature = '{council}\n{site}\n\nThis email was sent automatically. Replies may not be read.';
const firma = '{council}\n{site}\n\nEste correo se envió automáticamente. Puede que no se lean las respuestas.';
const tawqi = '{council}\n{site}\n\nأُرسلت هذه الرسالة تلقائيًا. قد لا تُقرأ الردود.';

export const builtInTemplates: Record<string, EventTemplates> = {
  request_received: {
    audience: 'the person who reported a problem (with an email address or number)',
    placeholders: { ...common, site: 'the council site' },
    sample: { ...caseSample, site: 'https://council.example' },
    texts: {
      email: {
        en: { subject: 'We have received your report (reference {reference})', body: `Thank you. We have received your report about {service}. Its reference is {reference}.\n\nYou can follow what happens to it here:\n{link}\n\n${signature}` },
        es: { subject: 'Hemos recibido su aviso (referencia {reference})', body: `Gracias. Hemos recibido su aviso sobre {service}. Su referencia es {reference}.\n\nPuede seguir lo que ocurre con él aquí:\n{link}\n\n${firma}` },
        ar: { subject: 'استلمنا بلاغك (المرجع {reference})', body: `شكرًا لك. استلمنا بلاغك بشأن {service}. رقمه المرجعي {reference}.\n\nيمكنك متابعة ما يحدث له هنا:\n{link}\n\n${tawqi}` },
      },
      sms: {
        en: { body: '{council}: we received your report {reference} ({service}). Follow it: {link}' },
        es: { body: '{council}: recibimos su aviso {reference} ({service}). Sígalo: {link}' },
        ar: { body: '{council}: استلمنا بلاغك {reference} ({service}). تابعه: {link}' },
      },
      in_app: {
        en: { body: 'We received your report {reference} about {service}.' },
        es: { body: 'Recibimos su aviso {reference} sobre {service}.' },
        ar: { body: 'استلمنا بلاغك {reference} بشأن {service}.' },
      },
    },
  },
  status_changed: {
    audience: 'the reporter and followers, when a report changes state',
    placeholders: { ...common, status: 'the new status in words', note: 'what staff said publicly (may be empty)', site: 'the council site' },
    sample: { ...caseSample, site: 'https://council.example' },
    texts: {
      email: {
        en: { subject: 'There is news about report {reference} to {council}', body: `A report you made or follow about {service} (reference {reference}) has been updated. It is now {status}.\n\nWhat we said:\n{note}\n\nSee the report: {link}\n\n${signature}` },
        es: { subject: 'Hay novedades sobre el aviso {reference} a {council}', body: `Un aviso que hizo o sigue sobre {service} (referencia {reference}) se ha actualizado. Ahora está: {status}.\n\nLo que dijimos:\n{note}\n\nVer el aviso: {link}\n\n${firma}` },
        ar: { subject: 'هناك جديد بشأن البلاغ {reference} إلى {council}', body: `تم تحديث بلاغ قدّمته أو تتابعه بشأن {service} (المرجع {reference}). حالته الآن: {status}.\n\nما قلناه:\n{note}\n\nاطّلع على البلاغ: {link}\n\n${tawqi}` },
      },
      sms: {
        en: { body: '{council}: report {reference} ({service}) is now {status}. {link}' },
        es: { body: '{council}: el aviso {reference} ({service}) está ahora: {status}. {link}' },
        ar: { body: '{council}: البلاغ {reference} ({service}) حالته الآن: {status}. {link}' },
      },
      in_app: {
        en: { body: 'Report {reference} about {service} is now {status}.' },
        es: { body: 'El aviso {reference} sobre {service} está ahora: {status}.' },
        ar: { body: 'البلاغ {reference} بشأن {service} حالته الآن: {status}.' },
      },
    },
  },
  public_update: {
    audience: 'the reporter and followers, when staff add a public note',
    placeholders: { ...common, note: 'what staff said publicly', status: 'the status in words', site: 'the council site' },
    sample: { ...caseSample, site: 'https://council.example' },
    texts: {
      email: {
        en: { subject: 'There is news about report {reference} to {council}', body: `A report you made or follow about {service} (reference {reference}) has been updated.\n\nWhat we said:\n{note}\n\nSee the report: {link}\n\n${signature}` },
        es: { subject: 'Hay novedades sobre el aviso {reference} a {council}', body: `Un aviso que hizo o sigue sobre {service} (referencia {reference}) se ha actualizado.\n\nLo que dijimos:\n{note}\n\nVer el aviso: {link}\n\n${firma}` },
        ar: { subject: 'هناك جديد بشأن البلاغ {reference} إلى {council}', body: `تم تحديث بلاغ قدّمته أو تتابعه بشأن {service} (المرجع {reference}).\n\nما قلناه:\n{note}\n\nاطّلع على البلاغ: {link}\n\n${tawqi}` },
      },
      sms: {
        en: { body: '{council}: news about report {reference} ({service}): {link}' },
        es: { body: '{council}: novedades del aviso {reference} ({service}): {link}' },
        ar: { body: '{council}: جديد بشأن البلاغ {reference} ({service}): {link}' },
      },
      in_app: {
        en: { body: 'News about report {reference}: {note}' },
        es: { body: 'Novedades del aviso {reference}: {note}' },
        ar: { body: 'جديد بشأن البلاغ {reference}: {note}' },
      },
    },
  },
  case_closed: {
    audience: 'followers (and a reporter without a feedback link), when a report is closed',
    placeholders: { ...common, note: 'what staff said publicly (may be empty)', site: 'the council site' },
    sample: { ...caseSample, site: 'https://council.example' },
    texts: {
      email: {
        en: { subject: 'Report {reference} to {council} has been closed', body: `A report you follow about {service} (reference {reference}) has been closed.\n\nWhat we said:\n{note}\n\nSee the report: {link}\n\nYou can choose which emails you get on your account page.\n\n${signature}` },
        es: { subject: 'El aviso {reference} a {council} se ha cerrado', body: `Un aviso que sigue sobre {service} (referencia {reference}) se ha cerrado.\n\nLo que dijimos:\n{note}\n\nVer el aviso: {link}\n\nPuede elegir qué correos recibe en la página de su cuenta.\n\n${firma}` },
        ar: { subject: 'تم إغلاق البلاغ {reference} إلى {council}', body: `تم إغلاق بلاغ تتابعه بشأن {service} (المرجع {reference}).\n\nما قلناه:\n{note}\n\nاطّلع على البلاغ: {link}\n\nيمكنك اختيار الرسائل التي تصلك من صفحة حسابك.\n\n${tawqi}` },
      },
      sms: {
        en: { body: '{council}: report {reference} ({service}) has been closed. {link}' },
        es: { body: '{council}: el aviso {reference} ({service}) se ha cerrado. {link}' },
        ar: { body: '{council}: تم إغلاق البلاغ {reference} ({service}). {link}' },
      },
      in_app: {
        en: { body: 'Report {reference} about {service} has been closed.' },
        es: { body: 'El aviso {reference} sobre {service} se ha cerrado.' },
        ar: { body: 'تم إغلاق البلاغ {reference} بشأن {service}.' },
      },
    },
  },
  feedback_request: {
    audience: 'the reporter, when their report is closed: asks whether it was fixed',
    placeholders: { ...common, note: 'what staff said publicly (may be empty)', feedbackLink: 'the link to say whether it was fixed', site: 'the council site' },
    sample: { ...caseSample, feedbackLink: 'https://council.example/requests/1234/feedback?key=sample', site: 'https://council.example' },
    texts: {
      email: {
        en: { subject: 'Your report {reference} to {council} has been closed', body: `Your report about {service} (reference {reference}) has been closed.\n\nWhat we said:\n{note}\n\nWas it fixed? Tell us: {feedbackLink}\n\nIf it was not fixed, say so and we will look at it again.\n\n${signature}` },
        es: { subject: 'Su aviso {reference} a {council} se ha cerrado', body: `Su aviso sobre {service} (referencia {reference}) se ha cerrado.\n\nLo que dijimos:\n{note}\n\n¿Se resolvió? Díganoslo: {feedbackLink}\n\nSi no se resolvió, díganoslo y lo revisaremos de nuevo.\n\n${firma}` },
        ar: { subject: 'تم إغلاق بلاغك {reference} إلى {council}', body: `تم إغلاق بلاغك بشأن {service} (المرجع {reference}).\n\nما قلناه:\n{note}\n\nهل تم إصلاحه؟ أخبرنا: {feedbackLink}\n\nإن لم يُصلح، أخبرنا وسننظر فيه مرة أخرى.\n\n${tawqi}` },
      },
      sms: {
        en: { body: '{council}: your report {reference} has been closed. Was it fixed? {feedbackLink}' },
        es: { body: '{council}: su aviso {reference} se ha cerrado. ¿Se resolvió? {feedbackLink}' },
        ar: { body: '{council}: تم إغلاق بلاغك {reference}. هل أُصلح؟ {feedbackLink}' },
      },
      in_app: {
        en: { body: 'Your report {reference} has been closed. Tell us if it was fixed.' },
        es: { body: 'Su aviso {reference} se ha cerrado. Díganos si se resolvió.' },
        ar: { body: 'تم إغلاق بلاغك {reference}. أخبرنا إن كان قد أُصلح.' },
      },
    },
  },
  guest_follow_confirm: {
    audience: 'a person without an account who asked to follow a report by email',
    placeholders: { ...common, link: 'the one-time confirmation link', validFor: 'how long the link works, e.g. 7 days', site: 'the council site' },
    sample: { ...caseSample, link: 'https://council.example/follow/confirm?token=sample', validFor: '7 days', site: 'https://council.example' },
    texts: {
      email: {
        en: { subject: 'Confirm you want updates about report {reference}', body: `Someone asked for updates about report {reference} ({service}) to be sent to this email address.\n\nTo get them, open this link and confirm:\n\n{link}\n\nThe link works once, for {validFor}. Until you confirm, we will not send you anything about this report.\n\nIf you did not ask for this, you can ignore this email.\n\n${signature}` },
        es: { subject: 'Confirme que quiere recibir novedades del aviso {reference}', body: `Alguien pidió que se envíen a esta dirección de correo las novedades del aviso {reference} ({service}).\n\nPara recibirlas, abra este enlace y confirme:\n\n{link}\n\nEl enlace funciona una vez, durante {validFor}. Hasta que confirme, no le enviaremos nada sobre este aviso.\n\nSi no lo pidió, puede ignorar este correo.\n\n${firma}` },
        ar: { subject: 'أكّد أنك تريد أخبار البلاغ {reference}', body: `طلب أحدهم إرسال أخبار البلاغ {reference} ({service}) إلى عنوان البريد هذا.\n\nلتصلك، افتح هذا الرابط وأكّد:\n\n{link}\n\nيعمل الرابط مرة واحدة، لمدة {validFor}. لن نرسل إليك شيئًا عن هذا البلاغ حتى تؤكّد.\n\nإن لم تطلب ذلك، يمكنك تجاهل هذه الرسالة.\n\n${tawqi}` },
      },
    },
  },
  guest_follow_already: {
    audience: 'a person without an account who asked again to follow a report they already follow by email',
    placeholders: { ...common, site: 'the council site' },
    sample: { ...caseSample, site: 'https://council.example' },
    texts: {
      email: {
        en: { subject: 'You already get updates about report {reference}', body: `Someone asked for updates about report {reference} ({service}) to be sent to this email address. This address already gets them, so nothing has changed.\n\nSee the report: {link}\n\nTo stop the updates, use the link at the end of any of them.\n\n${signature}` },
        es: { subject: 'Ya recibe novedades del aviso {reference}', body: `Alguien pidió que se envíen a esta dirección de correo las novedades del aviso {reference} ({service}). Esta dirección ya las recibe, así que nada ha cambiado.\n\nVer el aviso: {link}\n\nPara dejar de recibirlas, use el enlace al final de cualquiera de ellas.\n\n${firma}` },
        ar: { subject: 'تصلك أخبار البلاغ {reference} بالفعل', body: `طلب أحدهم إرسال أخبار البلاغ {reference} ({service}) إلى عنوان البريد هذا. هذا العنوان تصله الأخبار بالفعل، فلم يتغيّر شيء.\n\nاطّلع على البلاغ: {link}\n\nلإيقاف الأخبار، استخدم الرابط في آخر أيٍّ منها.\n\n${tawqi}` },
      },
    },
  },
  guest_case_closed: {
    audience: 'people without an account who follow a report by email, when it is closed',
    placeholders: { ...common, note: 'what staff said publicly (may be empty)', site: 'the council site' },
    sample: { ...caseSample, site: 'https://council.example' },
    texts: {
      email: {
        en: { subject: 'Report {reference} to {council} has been closed', body: `A report you follow about {service} (reference {reference}) has been closed.\n\nWhat we said:\n{note}\n\nSee the report: {link}\n\n${signature}` },
        es: { subject: 'El aviso {reference} a {council} se ha cerrado', body: `Un aviso que sigue sobre {service} (referencia {reference}) se ha cerrado.\n\nLo que dijimos:\n{note}\n\nVer el aviso: {link}\n\n${firma}` },
        ar: { subject: 'تم إغلاق البلاغ {reference} إلى {council}', body: `تم إغلاق بلاغ تتابعه بشأن {service} (المرجع {reference}).\n\nما قلناه:\n{note}\n\nاطّلع على البلاغ: {link}\n\n${tawqi}` },
      },
    },
  },
  verify_email: {
    audience: 'a resident who created an account',
    placeholders: { council: "the council's name", link: 'the one-time confirmation link', validFor: 'how long the link works, e.g. 1 hour', site: 'the council site' },
    sample: { council: 'Springfield Council', link: 'https://council.example/account/verify-email?token=sample', validFor: '1 day', site: 'https://council.example' },
    texts: { email: { en: { subject: 'Confirm your email address for your {council} account', body: `You have created an account with {council}.\n\nTo confirm this is your email address, open this link:\n\n{link}\n\nThe link works once, for {validFor}.\n\nIf you did not create an account, you can ignore this email.\n\n${signature}` } } },
  },
  already_registered: {
    audience: 'the owner of an address someone tried to register again',
    placeholders: { council: "the council's name", help: 'how to sign in or reset the password (depends on the account)', site: 'the council site' },
    sample: { council: 'Springfield Council', help: 'If it was you, you can sign in:\n\nhttps://council.example/sign-in', site: 'https://council.example' },
    texts: { email: { en: { subject: 'You already have a {council} account', body: `Someone tried to create an account with {council} using this email address. There is already an account for it, so no new account was made.\n\n{help}\n\nIf it was not you, you can ignore this email. Your account has not changed.\n\n${signature}` } } },
  },
  reset_password: {
    audience: 'a person who asked to reset their password',
    placeholders: { council: "the council's name", link: 'the one-time reset link', validFor: 'how long the link works', site: 'the council site' },
    sample: { council: 'Springfield Council', link: 'https://council.example/account/reset-password/confirm?token=sample', validFor: '1 hour', site: 'https://council.example' },
    texts: { email: { en: { subject: 'Reset your {council} password', body: `Someone asked to reset the password of your {council} account. If it was you, choose a new password here:\n\n{link}\n\nThe link works once, for {validFor}. Choosing a new password signs you out everywhere.\n\nIf you did not ask for this, you can ignore this email. Your password has not changed.\n\n${signature}` } } },
  },
  email_sign_in: {
    audience: 'a resident who asked for a sign-in link',
    placeholders: { council: "the council's name", link: 'the one-time sign-in link', validFor: 'how long the link works', site: 'the council site' },
    sample: { council: 'Springfield Council', link: 'https://council.example/sign-in/email-link/confirm?token=sample', validFor: '15 minutes', site: 'https://council.example' },
    texts: { email: { en: { subject: 'Sign in to your {council} account', body: `To sign in to your {council} account, open this link:\n\n{link}\n\nThe link works once, for {validFor}.\n\nIf you did not ask to sign in, you can ignore this email. No one can sign in with it unless they can read your email.\n\n${signature}` } } },
  },
};

/** For events defined elsewhere (the SLA warnings): adds their built-in texts. */
export function addBuiltInTemplates(event: string, templates: EventTemplates): void {
  builtInTemplates[event] = templates;
}
