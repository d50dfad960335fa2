/**
 * The demo city's application services: four permits and licences a resident of Port Alder can
 * apply for, each a catalogue service with its form published through the applications module
 * (publishForm checks every definition). Spanish and Arabic words sit in each definition's own
 * translations, as a council would enter them.
 */
import { publishForm, type ApplicationForm } from '../applications/applications.js';
import type { FormDefinition, TextTranslations } from '../applications/definition.js';
import { createService, saveServiceGroup } from '../catalogue/catalogue.js';
import type { ServiceGroup, ServiceInput } from '../catalogue/types.js';
import type { DB } from '../db/connection.js';
import { setLicenceRegister } from '../licences/register.js';
import { demoDepartments, LICENSING } from './catalogue-data.js';
import { demoAgencyTranslations } from './catalogue-translations.js';

/** Spanish and Arabic words of one part of a form. */
const tr = (es: Record<string, string>, ar: Record<string, string>): TextTranslations => ({ es, ar });

// Fee schedules start before the demo's oldest application (a taxi licence about to end after 3 years), so every seeded day has a fee.
const FEES_FROM = '2023-04-01';

export const demoApplicationGroup: ServiceGroup = {
  code: 'permits-and-licences', name: 'Permits and licences',
  translations: { es: { name: 'Permisos y licencias' }, ar: { name: 'التصاريح والتراخيص' } },
};

const yesNo = (yes: string, no: string) => ({ 'option.yes': yes, 'option.no': no });
const ES_YES_NO = yesNo('Sí', 'No');
const AR_YES_NO = yesNo('نعم', 'لا');

const truth = {
  id: 'truth', type: 'declaration' as const, label: 'I confirm that the information I have given is true and complete',
  translations: tr({ label: 'Confirmo que la información que he dado es verdadera y completa' }, { label: 'أؤكد أن المعلومات التي قدمتها صحيحة وكاملة' }),
};
const declarationPage = {
  id: 'declare', title: 'Declaration', fields: [truth],
  translations: tr({ title: 'Declaración' }, { title: 'إقرار' }),
};

const streetParty: FormDefinition = {
  title: 'Apply to close a road for a street party',
  licenceName: 'Street party road closure',
  licencePermits: 'Closing the street shown on the map to traffic for the event, on the day and between the times given.',
  summary: 'Close your street to traffic for a party, a fair or a community event.',
  whatYouNeed: ['The date and times of the event', 'A map of the part of the street you want to close'],
  howLong: 'Apply at least 6 weeks before the event. We decide within 4 weeks.',
  translations: tr(
    { licenceName: 'Cierre de calle para una fiesta', licencePermits: 'Cerrar al tráfico la calle indicada en el mapa para el evento, el día y en el horario indicados.',
      title: 'Solicitar el cierre de una calle para una fiesta', summary: 'Cierre su calle al tráfico para una fiesta, una feria o un evento vecinal.',
      'need.0': 'La fecha y el horario del evento', 'need.1': 'Un mapa del tramo de la calle que quiere cerrar',
      howLong: 'Solicítelo al menos 6 semanas antes del evento. Decidimos en un plazo de 4 semanas.', 'fee.Road closure': 'Cierre de calle' },
    { licenceName: 'إغلاق شارع لحفلة', licencePermits: 'إغلاق الشارع المبيّن على الخريطة أمام حركة المرور للفعالية، في اليوم وبين الأوقات المحددة.',
      title: 'طلب إغلاق طريق لحفلة في الشارع', summary: 'أغلق شارعك أمام حركة المرور لحفلة أو معرض أو فعالية مجتمعية.',
      'need.0': 'تاريخ الفعالية ومواعيدها', 'need.1': 'خريطة لجزء الشارع الذي تريد إغلاقه',
      howLong: 'قدّم الطلب قبل 6 أسابيع على الأقل من الفعالية. نقرر خلال 4 أسابيع.', 'fee.Road closure': 'إغلاق الطريق' },
  ),
  eligibility: [
    { id: 'main_road', question: 'Is the street a bus route or a main road?', options: [
      { value: 'yes', label: 'Yes', outcome: { kind: 'not_needed', reason: 'We cannot close bus routes or main roads for a street party. Ask us about a park or a square instead.' } },
      { value: 'no', label: 'No', outcome: { kind: 'continue' } },
    ], translations: tr(
      { question: '¿La calle es una ruta de autobús o una vía principal?', ...ES_YES_NO, 'reason.yes': 'No podemos cerrar rutas de autobús ni vías principales para una fiesta. Pregúntenos por un parque o una plaza.' },
      { question: 'هل الشارع خط حافلات أو طريق رئيسي؟', ...AR_YES_NO, 'reason.yes': 'لا يمكننا إغلاق خطوط الحافلات أو الطرق الرئيسية لحفلة في الشارع. اسألنا عن حديقة أو ساحة بدلاً من ذلك.' },
    ) },
  ],
  pages: [
    { id: 'event', title: 'The event', translations: tr({ title: 'El evento' }, { title: 'الفعالية' }), fields: [
      { id: 'event_date', type: 'date', label: 'Date of the event', translations: tr({ label: 'Fecha del evento' }, { label: 'تاريخ الفعالية' }) },
      { id: 'people', type: 'number', label: 'How many people do you expect?', min: 1, max: 5000,
        translations: tr({ label: '¿Cuántas personas espera?' }, { label: 'كم شخصاً تتوقع؟' }) },
    ] },
    { id: 'street', title: 'The street', translations: tr({ title: 'La calle' }, { title: 'الشارع' }), fields: [
      { id: 'street_address', type: 'address', label: 'Street name', translations: tr({ label: 'Nombre de la calle' }, { label: 'اسم الشارع' }) },
      { id: 'closed_area', type: 'map_area', label: 'The part of the street to close', hint: 'Draw the area on the map, from one junction to the next.',
        translations: tr({ label: 'El tramo de la calle que se cierra', hint: 'Dibuje la zona en el mapa, de un cruce al siguiente.' },
          { label: 'جزء الشارع المراد إغلاقه', hint: 'ارسم المنطقة على الخريطة، من تقاطع إلى التقاطع التالي.' }) },
    ] },
    declarationPage,
  ],
  fees: [{ effectiveFrom: FEES_FROM, rules: [{ kind: 'fixed', label: 'Road closure', amount: 3500 }] }],
};

const treeWorks: FormDefinition = {
  title: 'Apply for permission to work on protected trees',
  licenceName: 'Consent for work on protected trees',
  licencePermits: 'The work described on each tree listed in the application, done by the date given.',
  summary: 'Ask before you prune or fell a tree with a preservation order or in a conservation area.',
  whatYouNeed: ['A photo of each tree', 'What work you want done to each tree'],
  howLong: 'We decide within 8 weeks.',
  translations: tr(
    { licenceName: 'Permiso para trabajos en árboles protegidos', licencePermits: 'Los trabajos descritos en cada árbol de la solicitud, hechos antes de la fecha indicada.',
      title: 'Solicitar permiso para trabajar en árboles protegidos', summary: 'Pida permiso antes de podar o talar un árbol protegido o en una zona de conservación.',
      'need.0': 'Una foto de cada árbol', 'need.1': 'Qué trabajo quiere hacer en cada árbol', howLong: 'Decidimos en un plazo de 8 semanas.',
      'fee.Application': 'Solicitud', 'fee.Each tree': 'Cada árbol' },
    { licenceName: 'إذن للعمل على الأشجار المحمية', licencePermits: 'الأعمال الموصوفة على كل شجرة مذكورة في الطلب، وتُنجز قبل التاريخ المحدد.',
      title: 'طلب إذن للعمل على الأشجار المحمية', summary: 'اطلب الإذن قبل تقليم أو قطع شجرة محمية أو في منطقة محمية.',
      'need.0': 'صورة لكل شجرة', 'need.1': 'العمل الذي تريد القيام به على كل شجرة', howLong: 'نقرر خلال 8 أسابيع.',
      'fee.Application': 'الطلب', 'fee.Each tree': 'كل شجرة' },
  ),
  eligibility: [
    { id: 'protected', question: 'Is the tree protected (a preservation order or a conservation area)?', options: [
      { value: 'yes', label: 'Yes', outcome: { kind: 'continue' } },
      { value: 'not_sure', label: 'I am not sure', outcome: { kind: 'continue' } },
      { value: 'no', label: 'No', outcome: { kind: 'not_needed', reason: 'You do not need our permission to work on a tree that is not protected.' } },
    ], translations: tr(
      { question: '¿El árbol está protegido (orden de protección o zona de conservación)?', ...ES_YES_NO, 'option.not_sure': 'No estoy seguro', 'reason.no': 'No necesita nuestro permiso para trabajar en un árbol que no está protegido.' },
      { question: 'هل الشجرة محمية (أمر حماية أو منطقة محمية)؟', ...AR_YES_NO, 'option.not_sure': 'لست متأكداً', 'reason.no': 'لا تحتاج إلى إذننا للعمل على شجرة غير محمية.' },
    ) },
    { id: 'street_tree', question: 'Is it a tree on the street or in a park?', options: [
      { value: 'yes', label: 'Yes', outcome: { kind: 'other_service', serviceCode: 'tree-maintenance', reason: 'Street and park trees are the council’s. Report a problem with it instead.' } },
      { value: 'no', label: 'No, it is on private land', outcome: { kind: 'continue' } },
    ], translations: tr(
      { question: '¿Es un árbol de la calle o de un parque?', 'option.yes': 'Sí', 'option.no': 'No, está en un terreno privado', 'reason.yes': 'Los árboles de calles y parques son del ayuntamiento. Informe del problema en su lugar.' },
      { question: 'هل هي شجرة في الشارع أو في حديقة عامة؟', 'option.yes': 'نعم', 'option.no': 'لا، إنها في أرض خاصة', 'reason.yes': 'أشجار الشوارع والحدائق ملك للبلدية. أبلغ عن المشكلة بدلاً من ذلك.' },
    ) },
  ],
  pages: [
    { id: 'site', title: 'Where are the trees?', translations: tr({ title: '¿Dónde están los árboles?' }, { title: 'أين توجد الأشجار؟' }), fields: [
      { id: 'site_address', type: 'address', label: 'Address of the property', translations: tr({ label: 'Dirección de la propiedad' }, { label: 'عنوان العقار' }) },
    ] },
    { id: 'trees', title: 'The trees', translations: tr({ title: 'Los árboles' }, { title: 'الأشجار' }), group: {
      id: 'tree', itemName: 'tree', min: 1, max: 10, translations: tr({ itemName: 'árbol' }, { itemName: 'شجرة' }), fields: [
        { id: 'species', type: 'text', label: 'Species', hint: 'For example oak, sycamore or horse chestnut. Write “not known” if you do not know.', maxLength: 100,
          translations: tr({ label: 'Especie', hint: 'Por ejemplo roble, sicomoro o castaño de Indias. Escriba «no se sabe» si no lo sabe.' },
            { label: 'النوع', hint: 'مثل البلوط أو الجميز أو الكستناء. اكتب «غير معروف» إن لم تكن تعرف.' }) },
        { id: 'work', type: 'choice', label: 'What work?', options: [
          { value: 'prune', label: 'Prune or cut back' }, { value: 'crown_reduce', label: 'Reduce the crown' }, { value: 'fell', label: 'Fell (cut down)' },
        ], translations: tr({ label: '¿Qué trabajo?', 'option.prune': 'Podar o recortar', 'option.crown_reduce': 'Reducir la copa', 'option.fell': 'Talar' },
          { label: 'ما العمل؟', 'option.prune': 'تقليم أو قص', 'option.crown_reduce': 'تخفيف التاج', 'option.fell': 'قطع الشجرة' }) },
      ] } },
    { id: 'photos', title: 'Photos of the trees', translations: tr({ title: 'Fotos de los árboles' }, { title: 'صور الأشجار' }), fields: [
      { id: 'photo', type: 'file', label: 'A photo of each tree', maxFiles: 10, translations: tr({ label: 'Una foto de cada árbol' }, { label: 'صورة لكل شجرة' }) },
    ] },
    declarationPage,
  ],
  fees: [{ effectiveFrom: FEES_FROM, rules: [
    { kind: 'fixed', label: 'Application', amount: 2000 },
    { kind: 'per_item', label: 'Each tree', group: 'tree', amount: 1500 },
  ] }],
  // Works are allowed for two years; a neighbour may object within 28 days of the decision.
  validityDays: 730,
  appealDays: 28,
};

const foodBusiness: FormDefinition = {
  title: 'Register a food business',
  licenceName: 'Food business registration',
  licencePermits: 'Selling, cooking, storing or handing out food at the premises registered, subject to inspection.',
  summary: 'Register at least 28 days before you start selling, cooking, storing or handing out food.',
  whatYouNeed: ['The name and address of the business'],
  howLong: 'Registration is free and takes about 10 minutes. An inspector may visit.',
  translations: tr(
    { licenceName: 'Registro de negocio de alimentación', licencePermits: 'Vender, cocinar, almacenar o repartir alimentos en el local registrado, sujeto a inspección.',
      title: 'Registrar un negocio de alimentación', summary: 'Regístrese al menos 28 días antes de empezar a vender, cocinar, almacenar o repartir alimentos.',
      'need.0': 'El nombre y la dirección del negocio', howLong: 'El registro es gratuito y lleva unos 10 minutos. Puede visitarle un inspector.' },
    { licenceName: 'تسجيل نشاط تجاري غذائي', licencePermits: 'بيع الطعام أو طهيه أو تخزينه أو توزيعه في المكان المسجّل، مع الخضوع للتفتيش.',
      title: 'تسجيل نشاط تجاري غذائي', summary: 'سجّل قبل 28 يوماً على الأقل من بدء بيع الطعام أو طهيه أو تخزينه أو توزيعه.',
      'need.0': 'اسم النشاط التجاري وعنوانه', howLong: 'التسجيل مجاني ويستغرق نحو 10 دقائق. قد يزورك مفتش.' },
  ),
  eligibility: [
    { id: 'occasional', question: 'Do you handle food on fewer than 5 days in any 5 weeks in a row?', options: [
      { value: 'yes', label: 'Yes', outcome: { kind: 'not_needed', reason: 'Occasional food businesses, such as a yearly charity bake sale, do not need to register.' } },
      { value: 'no', label: 'No', outcome: { kind: 'continue' } },
    ], translations: tr(
      { question: '¿Manipula alimentos menos de 5 días en cualquier período de 5 semanas seguidas?', ...ES_YES_NO, 'reason.yes': 'Los negocios ocasionales, como una venta benéfica anual de pasteles, no tienen que registrarse.' },
      { question: 'هل تتعامل مع الطعام أقل من 5 أيام في أي 5 أسابيع متتالية؟', ...AR_YES_NO, 'reason.yes': 'الأنشطة الغذائية العرضية، مثل بيع الحلويات الخيري السنوي، لا تحتاج إلى تسجيل.' },
    ) },
  ],
  pages: [
    { id: 'business', title: 'The business', translations: tr({ title: 'El negocio' }, { title: 'النشاط التجاري' }), fields: [
      { id: 'business_name', type: 'text', label: 'Business name', maxLength: 200, translations: tr({ label: 'Nombre del negocio' }, { label: 'اسم النشاط التجاري' }) },
      { id: 'business_address', type: 'address', label: 'Address where the food is handled',
        translations: tr({ label: 'Dirección donde se manipulan los alimentos' }, { label: 'العنوان الذي يُتعامل فيه مع الطعام' }) },
      { id: 'business_type', type: 'choice', label: 'What kind of food business is it?', options: [
        { value: 'restaurant', label: 'Restaurant, café or takeaway' }, { value: 'shop', label: 'Shop or supermarket' },
        { value: 'market', label: 'Market stall or food van' }, { value: 'home', label: 'Cooking at home to sell' }, { value: 'other', label: 'Something else' },
      ], translations: tr(
        { label: '¿Qué tipo de negocio de alimentación es?', 'option.restaurant': 'Restaurante, cafetería o comida para llevar', 'option.shop': 'Tienda o supermercado',
          'option.market': 'Puesto de mercado o furgoneta de comida', 'option.home': 'Cocina en casa para vender', 'option.other': 'Otro' },
        { label: 'ما نوع النشاط الغذائي؟', 'option.restaurant': 'مطعم أو مقهى أو وجبات جاهزة', 'option.shop': 'متجر أو سوبرماركت',
          'option.market': 'كشك في السوق أو شاحنة طعام', 'option.home': 'طهي في المنزل للبيع', 'option.other': 'شيء آخر' }) },
      { id: 'start_date', type: 'date', label: 'When will you start?', translations: tr({ label: '¿Cuándo empezará?' }, { label: 'متى ستبدأ؟' }) },
    ] },
    declarationPage,
  ],
  fees: [],
  // What an environmental health officer checks on a first visit (the food hygiene rating's three areas).
  inspection: { checklist: [
    { id: 'handwashing', label: 'A basin for washing hands, with hot and cold water, soap and a way to dry hands',
      translations: tr({ label: 'Un lavabo para lavarse las manos, con agua caliente y fría, jabón y un modo de secarse' }, { label: 'حوض لغسل اليدين بماء ساخن وبارد وصابون ووسيلة لتجفيف اليدين' }) },
    { id: 'fridge_temperature', label: 'Fridges keep food at 8 °C or below', hint: 'Check with a probe thermometer, not the fridge\'s own display.',
      translations: tr({ label: 'Los frigoríficos mantienen los alimentos a 8 °C o menos', hint: 'Compruébelo con un termómetro de sonda, no con la pantalla del frigorífico.' },
        { label: 'الثلاجات تحفظ الطعام عند 8 درجات مئوية أو أقل', hint: 'تحقق بميزان حرارة ذي مجس، لا بشاشة الثلاجة.' }) },
    { id: 'raw_ready_separate', label: 'Raw meat is kept apart from ready-to-eat food',
      translations: tr({ label: 'La carne cruda se guarda separada de los alimentos listos para comer' }, { label: 'اللحوم النيئة تُحفظ بعيداً عن الطعام الجاهز للأكل' }) },
    { id: 'cleaning', label: 'Surfaces and equipment are clean, with a cleaning schedule',
      translations: tr({ label: 'Las superficies y el equipo están limpios, con un plan de limpieza' }, { label: 'الأسطح والمعدات نظيفة مع جدول للتنظيف' }) },
    { id: 'pests', label: 'No sign of pests (mice, rats, cockroaches, flies)',
      translations: tr({ label: 'Ningún signo de plagas (ratones, ratas, cucarachas, moscas)' }, { label: 'لا أثر للآفات (فئران، جرذان، صراصير، ذباب)' }) },
    { id: 'allergens', label: 'Allergen information is recorded for every dish',
      translations: tr({ label: 'Se registra la información de alérgenos de cada plato' }, { label: 'معلومات مسببات الحساسية مسجلة لكل طبق' }) },
    { id: 'food_safety_records', label: 'A written food safety plan (such as Safer Food, Better Business) is kept up to date',
      translations: tr({ label: 'Se mantiene al día un plan escrito de seguridad alimentaria' }, { label: 'خطة مكتوبة لسلامة الغذاء محدّثة' }) },
  ] },
};

const taxiDriver: FormDefinition = {
  title: 'Apply for a taxi driver licence',
  licenceName: 'Taxi driver licence',
  licencePermits: 'Driving a licensed taxi or private hire vehicle in Port Alder.',
  validityDays: 3 * 365,
  appealDays: 21,
  summary: 'Apply for a licence to drive a taxi or a private hire vehicle in Port Alder.',
  whatYouNeed: ['Your driving licence number', 'A criminal record check from the last 3 months'],
  howLong: 'We decide within 6 weeks, after a knowledge test and a medical.',
  translations: tr(
    { licenceName: 'Licencia de conductor de taxi', licencePermits: 'Conducir un taxi o un vehículo de alquiler con conductor con licencia en Port Alder.',
      title: 'Solicitar una licencia de conductor de taxi', summary: 'Solicite una licencia para conducir un taxi o un vehículo de alquiler con conductor en Port Alder.',
      'need.0': 'El número de su permiso de conducir', 'need.1': 'Un certificado de antecedentes penales de los últimos 3 meses',
      howLong: 'Decidimos en un plazo de 6 semanas, tras un examen de conocimientos y un reconocimiento médico.',
      'fee.Driver licence (3 years)': 'Licencia de conductor (3 años)', 'fee.Pension credit concession': 'Descuento por complemento de pensión' },
    { licenceName: 'رخصة سائق سيارة أجرة', licencePermits: 'قيادة سيارة أجرة مرخّصة أو سيارة خاصة للإيجار في بورت ألدر.',
      title: 'طلب رخصة سائق سيارة أجرة', summary: 'قدّم طلباً للحصول على رخصة لقيادة سيارة أجرة أو سيارة خاصة للإيجار في بورت ألدر.',
      'need.0': 'رقم رخصة القيادة', 'need.1': 'شهادة حسن سيرة وسلوك من آخر 3 أشهر',
      howLong: 'نقرر خلال 6 أسابيع، بعد اختبار معرفة وفحص طبي.',
      'fee.Driver licence (3 years)': 'رخصة السائق (3 سنوات)', 'fee.Pension credit concession': 'تخفيض لمستحقي دعم المعاش' },
  ),
  eligibility: [
    { id: 'years_driving', question: 'Have you held a full driving licence for at least 12 months?', options: [
      { value: 'yes', label: 'Yes', outcome: { kind: 'continue' } },
      { value: 'no', label: 'No', outcome: { kind: 'not_needed', reason: 'You need to have held a full driving licence for 12 months before you can apply.' } },
    ], translations: tr(
      { question: '¿Tiene un permiso de conducir completo desde hace al menos 12 meses?', ...ES_YES_NO, 'reason.no': 'Necesita tener un permiso de conducir completo durante 12 meses antes de poder solicitarla.' },
      { question: 'هل تحمل رخصة قيادة كاملة منذ 12 شهراً على الأقل؟', ...AR_YES_NO, 'reason.no': 'يجب أن تحمل رخصة قيادة كاملة لمدة 12 شهراً قبل أن تتمكن من التقديم.' },
    ) },
    { id: 'age', question: 'Are you 21 or older?', options: [
      { value: 'yes', label: 'Yes', outcome: { kind: 'continue' } },
      { value: 'no', label: 'No', outcome: { kind: 'not_needed', reason: 'Taxi drivers must be at least 21 years old.' } },
    ], translations: tr(
      { question: '¿Tiene 21 años o más?', ...ES_YES_NO, 'reason.no': 'Los taxistas deben tener al menos 21 años.' },
      { question: 'هل عمرك 21 سنة أو أكثر؟', ...AR_YES_NO, 'reason.no': 'يجب ألا يقل عمر سائق سيارة الأجرة عن 21 سنة.' },
    ) },
  ],
  pages: [
    { id: 'personal', title: 'About you', translations: tr({ title: 'Sobre usted' }, { title: 'معلومات عنك' }), fields: [
      { id: 'date_of_birth', type: 'date', label: 'Date of birth', translations: tr({ label: 'Fecha de nacimiento' }, { label: 'تاريخ الميلاد' }) },
      { id: 'home_address', type: 'address', label: 'Home address', translations: tr({ label: 'Domicilio' }, { label: 'عنوان السكن' }) },
      { id: 'pension_credit', type: 'yes_no', label: 'Do you get Pension Credit?', required: false, hint: 'People who get it pay half the fee.',
        translations: tr({ label: '¿Recibe el complemento de pensión?', hint: 'Quienes lo reciben pagan la mitad de la tasa.' },
          { label: 'هل تحصل على دعم المعاش؟', hint: 'من يحصل عليه يدفع نصف الرسوم.' }) },
    ] },
    { id: 'licence', title: 'Your driving licence', translations: tr({ title: 'Su permiso de conducir' }, { title: 'رخصة قيادتك' }), fields: [
      { id: 'licence_number', type: 'text', label: 'Driving licence number', hint: 'It is in section 5 of your photocard, for example MORGA753116SM9IJ.', maxLength: 16,
        translations: tr({ label: 'Número del permiso de conducir', hint: 'Está en el apartado 5 de su tarjeta, por ejemplo MORGA753116SM9IJ.' },
          { label: 'رقم رخصة القيادة', hint: 'تجده في الخانة 5 من بطاقتك، مثل MORGA753116SM9IJ.' }) },
      { id: 'vehicle', type: 'choice', label: 'What will you drive?', options: [{ value: 'hackney', label: 'A taxi (hailed on the street)' }, { value: 'private_hire', label: 'A private hire vehicle (booked)' }],
        translations: tr({ label: '¿Qué va a conducir?', 'option.hackney': 'Un taxi (se para en la calle)', 'option.private_hire': 'Un vehículo con conductor (reservado)' },
          { label: 'ماذا ستقود؟', 'option.hackney': 'سيارة أجرة (من الشارع)', 'option.private_hire': 'سيارة خاصة للإيجار (بالحجز)' }) },
    ] },
    { id: 'declare', title: 'Declaration', translations: tr({ title: 'Declaración' }, { title: 'إقرار' }), fields: [
      { id: 'convictions', type: 'declaration', label: 'I have told you about every conviction, caution and motoring offence I have',
        translations: tr({ label: 'Les he informado de todas mis condenas, amonestaciones e infracciones de tráfico' }, { label: 'لقد أبلغتكم بكل إدانة وتحذير ومخالفة مرورية لدي' }) },
      truth,
    ] },
  ],
  fees: [{ effectiveFrom: FEES_FROM, rules: [
    { kind: 'fixed', label: 'Driver licence (3 years)', amount: 24000 },
    { kind: 'concession', label: 'Pension credit concession', field: 'pension_credit', in: ['yes'], percentOff: 50 },
  ] }],
};

const service = (code: string, name: string, description: string, keywords: string[], expectedDays: number, agency: string,
  es: { name: string; description: string }, ar: { name: string; description: string }): ServiceInput => ({
  code, name, description, groupCode: demoApplicationGroup.code, keywords, type: 'batch', agencyResponsible: agency, serviceNotice: null,
  expectedDays, department: demoDepartments[agency] ?? null, attributes: [],
  translations: { es: { ...es, agencyResponsible: demoAgencyTranslations[agency]!.es }, ar: { ...ar, agencyResponsible: demoAgencyTranslations[agency]!.ar } },
});
const PUBLIC_WORKS = 'Public Works Department';
const PARKS = 'Parks and Open Spaces';

/** Each application service: its catalogue entry and its form. */
export const demoApplicationServices: Array<{ service: ServiceInput; form: FormDefinition }> = [
  { service: service('street-party', 'Street party road closure', 'Close a residential street for a party or community event.', ['street party', 'road closure', 'event'], 20, PUBLIC_WORKS,
    { name: 'Cierre de calle para una fiesta', description: 'Cerrar una calle residencial para una fiesta o un evento vecinal.' },
    { name: 'إغلاق شارع لحفلة', description: 'إغلاق شارع سكني لحفلة أو فعالية مجتمعية.' }), form: streetParty },
  { service: service('tree-works', 'Work on protected trees', 'Permission to prune or fell a protected tree on private land.', ['tree', 'prune', 'fell', 'preservation order'], 40, PARKS,
    { name: 'Trabajos en árboles protegidos', description: 'Permiso para podar o talar un árbol protegido en un terreno privado.' },
    { name: 'العمل على الأشجار المحمية', description: 'إذن لتقليم أو قطع شجرة محمية في أرض خاصة.' }), form: treeWorks },
  { service: service('food-business', 'Food business registration', 'Register a restaurant, shop, market stall or home kitchen that handles food.', ['food', 'restaurant', 'registration'], 20, LICENSING,
    { name: 'Registro de negocio de alimentación', description: 'Registrar un restaurante, tienda, puesto o cocina doméstica que manipula alimentos.' },
    { name: 'تسجيل نشاط غذائي', description: 'تسجيل مطعم أو متجر أو كشك أو مطبخ منزلي يتعامل مع الطعام.' }), form: foodBusiness },
  { service: service('taxi-driver', 'Taxi driver licence', 'Apply for a licence to drive a taxi or private hire vehicle.', ['taxi', 'private hire', 'driver', 'licence'], 30, LICENSING,
    { name: 'Licencia de conductor de taxi', description: 'Solicitar una licencia para conducir un taxi o un vehículo con conductor.' },
    { name: 'رخصة سائق سيارة أجرة', description: 'طلب رخصة لقيادة سيارة أجرة أو سيارة خاصة للإيجار.' }), form: taxiDriver },
];

/**
 * Which services' licences are in the public register: road closures and food businesses are
 * public; licensed taxi drivers are listed by name, as councils publish them for passengers.
 * Permissions for trees on private land are kept out of it.
 */
export const demoLicenceRegister: Record<string, { publicRegister: boolean; publishHolderName: boolean }> = {
  'street-party': { publicRegister: true, publishHolderName: false },
  'food-business': { publicRegister: true, publishHolderName: false },
  'taxi-driver': { publicRegister: true, publishHolderName: true },
};

/** Puts the application services in the catalogue and publishes version 1 of each form. */
export async function seedDemoApplicationServices(db: DB, jurisdictionId: string, groupOrder: number, actor: string): Promise<ApplicationForm[]> {
  await saveServiceGroup(db, jurisdictionId, demoApplicationGroup, groupOrder, actor);
  const forms: ApplicationForm[] = [];
  for (const { service: input, form } of demoApplicationServices) {
    await createService(db, jurisdictionId, input, actor);
    forms.push(await publishForm(db, jurisdictionId, input.code, form, actor));
    await setLicenceRegister(db, jurisdictionId, input.code, demoLicenceRegister[input.code] ?? { publicRegister: false, publishHolderName: false }, actor);
  }
  return forms;
}
