/**
 * The demo catalogue in Spanish and Arabic: every service, question, hint, answer option and
 * notice. Spanish addresses the resident as "usted" throughout (as the portal's messages do);
 * Arabic is Modern Standard Arabic.
 */
import type { AttributeTranslation, GroupTranslation, ServiceTranslation, Translations } from '../catalogue/types.js';

export const demoGroupTranslations: Record<string, Translations<GroupTranslation>> = {
  'roads-and-pavements': { es: { name: 'Calles, aceras y señales' }, ar: { name: 'الطرق والأرصفة واللافتات' } },
  'street-lighting': { es: { name: 'Alumbrado público y semáforos' }, ar: { name: 'إنارة الشوارع وإشارات المرور' } },
  'waste-and-cleaning': { es: { name: 'Basura, vertidos y limpieza de calles' }, ar: { name: 'القمامة والنفايات الملقاة وتنظيف الشوارع' } },
  graffiti: { es: { name: 'Grafitis y carteles ilegales' }, ar: { name: 'الكتابة على الجدران والملصقات' } },
  'parks-and-trees': { es: { name: 'Parques y árboles' }, ar: { name: 'الحدائق والأشجار' } },
  'water-and-drains': { es: { name: 'Agua, desagües y alcantarillado' }, ar: { name: 'المياه والمصارف والصرف الصحي' } },
  vehicles: { es: { name: 'Vehículos abandonados y parquímetros' }, ar: { name: 'المركبات المهجورة وعدادات المواقف' } },
  animals: { es: { name: 'Animales' }, ar: { name: 'الحيوانات' } },
};

/** The departments' names (each service's agency_responsible), by their English name. */
export const demoAgencyTranslations: Record<string, { es: string; ar: string }> = {
  'Public Works Department': { es: 'Departamento de Obras Públicas', ar: 'إدارة الأشغال العامة' },
  'Street Cleansing Services': { es: 'Servicio de Limpieza Viaria', ar: 'خدمات تنظيف الشوارع' },
  'Street Lighting and Signals': { es: 'Alumbrado Público y Semáforos', ar: 'إنارة الشوارع والإشارات' },
  'Parks and Open Spaces': { es: 'Parques y Espacios Abiertos', ar: 'الحدائق والمساحات المفتوحة' },
  'Port Alder Water': { es: 'Aguas de Port Alder', ar: 'مياه بورت ألدر' },
  'Parking Services': { es: 'Servicio de Estacionamiento', ar: 'خدمات المواقف' },
  'Animal Care Services': { es: 'Servicio de Atención Animal', ar: 'خدمات رعاية الحيوان' },
  'Licensing and Environmental Health': { es: 'Licencias y Salud Ambiental', ar: 'التراخيص والصحة البيئية' },
};

interface DemoText extends Omit<ServiceTranslation, 'agencyResponsible'> {
  attributes: Record<string, AttributeTranslation>;
}

const other = { es: 'Otra cosa', ar: 'شيء آخر' };
const notSure = { es: 'No lo sé', ar: 'لست متأكدًا' };
const yesNo = { es: { yes: 'Sí', no: 'No' }, ar: { yes: 'نعم', no: 'لا' } };

export const demoServiceTranslations: Record<string, { es: DemoText; ar: DemoText }> = {
  pothole: {
    es: {
      name: 'Bache o calzada dañada',
      description: 'Un agujero, una grieta o un hundimiento en el firme de la calzada, o una placa de acero suelta sobre unas obras.',
      keywords: ['bache', 'baches', 'calzada', 'agujero', 'hoyo', 'grieta', 'asfalto', 'firme', 'placa'],
      serviceNotice: 'Inspeccionamos los baches comunicados en 2 días hábiles y aseguramos los peligrosos en 24 horas.',
      attributes: {
        size: { description: '¿Qué tamaño tiene?', values: { small: 'Más pequeño que un plato llano', medium: 'Hasta el tamaño de una rueda de coche', large: 'Más grande que una rueda de coche' } },
        position: { description: '¿En qué parte de la calzada está?', values: { traffic_lane: 'En un carril de circulación', bike_lane: 'En un carril bici', crosswalk: 'En un paso de peatones', parking_lane: 'Donde aparcan los coches', not_sure: notSure.es } },
      },
    },
    ar: {
      name: 'حفرة أو طريق متضرر',
      description: 'حفرة أو شق أو هبوط في سطح الطريق، أو لوح فولاذي غير مثبت فوق أعمال الطرق.',
      keywords: ['حفرة', 'حفر', 'طريق', 'شق', 'تشقق', 'إسفلت', 'هبوط', 'لوح'],
      serviceNotice: 'نفحص الحفر المبلغ عنها خلال يومَي عمل، ونؤمّن الخطيرة منها خلال 24 ساعة.',
      attributes: {
        size: { description: 'ما حجمها؟', values: { small: 'أصغر من صحن العشاء', medium: 'حتى حجم إطار السيارة', large: 'أكبر من إطار السيارة' } },
        position: { description: 'أين تقع في الطريق؟', values: { traffic_lane: 'في مسار السيارات', bike_lane: 'في مسار الدراجات', crosswalk: 'على ممر المشاة', parking_lane: 'في مكان وقوف السيارات', not_sure: notSure.ar } },
      },
    },
  },
  'damaged-sidewalk': {
    es: {
      name: 'Acera, bordillo o escalones dañados',
      description: 'Una baldosa de acera levantada, hundida o rota, un bordillo o rebaje dañado, o escalones públicos rotos.',
      keywords: ['acera', 'baldosa', 'tropiezo', 'bordillo', 'rampa', 'escalones', 'escalera', 'desnivel'],
      serviceNotice: 'Las reparaciones de aceras pueden tardar varias semanas. Si alguien se ha hecho daño o el desperfecto es peligroso, llame al 911.',
      attributes: {
        problem: { description: '¿Qué ocurre?', values: { lifted: 'Una baldosa está levantada', tree_roots: 'Las raíces de un árbol la han levantado', collapsed: 'Se ha hundido o derrumbado', curb_or_ramp: 'Bordillo o rebaje dañado', stairway: 'Escalones públicos rotos', other: other.es } },
        height_inches: { description: '¿Qué altura tiene aproximadamente el borde, en pulgadas?' },
      },
    },
    ar: {
      name: 'رصيف أو حافة أو درج متضرر',
      description: 'بلاطة رصيف مرتفعة أو هابطة أو مكسورة، أو حافة رصيف أو منحدر متضرر، أو درج عام مكسور.',
      keywords: ['رصيف', 'بلاط', 'تعثر', 'حافة', 'منحدر', 'درج', 'سلالم', 'غير مستو'],
      serviceNotice: 'قد يستغرق إصلاح الأرصفة عدة أسابيع. إذا أُصيب أحد أو كان العيب خطيرًا فاتصل بالرقم 911.',
      attributes: {
        problem: { description: 'ما المشكلة؟', values: { lifted: 'بلاطة مرتفعة', tree_roots: 'رفعتها جذور شجرة', collapsed: 'هبطت أو انهارت', curb_or_ramp: 'حافة رصيف أو منحدر متضرر', stairway: 'درج عام مكسور', other: other.ar } },
        height_inches: { description: 'كم يبلغ ارتفاع الحافة تقريبًا بالبوصة؟' },
      },
    },
  },
  'blocked-sidewalk': {
    es: {
      name: 'Acera o calzada bloqueada',
      description: 'Materiales de obra, objetos o un vehículo que bloquean la acera, un rebaje o la calzada.',
      keywords: ['bloqueada', 'obstrucción', 'acera', 'contenedor de obra', 'andamio', 'materiales', 'acceso'],
      serviceNotice: 'Un inspector irá al lugar y pedirá al responsable que deje el paso libre.',
      attributes: {
        blocked_by: { description: '¿Qué bloquea el paso?', values: { construction: 'Obras o materiales de obra', vehicle: 'Un vehículo aparcado', objects: 'Cubos, muebles u otros objetos', other: other.es } },
        blocked_since: { description: '¿Cuándo lo vio por primera vez?' },
      },
    },
    ar: {
      name: 'رصيف أو طريق مسدود',
      description: 'مواد بناء أو أشياء أو مركبة تسد الرصيف أو منحدر الرصيف أو الطريق.',
      keywords: ['مسدود', 'عائق', 'رصيف', 'حاوية', 'سقالات', 'مواد بناء', 'مرور'],
      serviceNotice: 'سيزور مفتش المكان ويطلب من المسؤول إخلاء الطريق.',
      attributes: {
        blocked_by: { description: 'ما الذي يسد الطريق؟', values: { construction: 'أعمال بناء أو مواد بناء', vehicle: 'مركبة متوقفة', objects: 'حاويات أو أثاث أو أشياء أخرى', other: other.ar } },
        blocked_since: { description: 'متى لاحظت ذلك أول مرة؟' },
      },
    },
  },
  'damaged-sign': {
    es: {
      name: 'Señal de tráfico o placa de calle dañada o ausente',
      description: 'Una señal de tráfico o una placa con el nombre de la calle que falta, está caída, doblada, descolorida o cubierta de pegatinas.',
      keywords: ['señal', 'placa', 'señal de tráfico', 'stop', 'nombre de calle', 'doblada', 'falta'],
      serviceNotice: 'Una señal de stop o de ceda el paso que falta se repone el mismo día. Llámenos si falta una.',
      attributes: {
        problem: { description: '¿Qué le pasa a la señal?', values: { missing: 'Falta', defaced: 'Pintada o cubierta de pegatinas', down_or_bent: 'Caída o doblada', faded: 'Descolorida o poco visible', other: other.es } },
        sign_text: { description: '¿Qué dice la señal (por ejemplo, STOP o el nombre de una calle)?' },
      },
    },
    ar: {
      name: 'لافتة شارع متضررة أو مفقودة',
      description: 'لافتة مرور أو لافتة اسم شارع مفقودة أو مقلوعة أو منحنية أو باهتة أو مغطاة بالملصقات.',
      keywords: ['لافتة', 'إشارة', 'علامة مرور', 'قف', 'اسم الشارع', 'منحنية', 'مفقودة'],
      serviceNotice: 'تُعاد لافتة «قف» أو «أفسح الطريق» المفقودة في اليوم نفسه. يُرجى الاتصال بنا إذا فُقدت إحداها.',
      attributes: {
        problem: { description: 'ما مشكلة اللافتة؟', values: { missing: 'مفقودة', defaced: 'مشوهة أو مغطاة بالملصقات', down_or_bent: 'مقلوعة أو منحنية', faded: 'باهتة أو صعبة الرؤية', other: other.ar } },
        sign_text: { description: 'ماذا تقول اللافتة (مثل STOP أو اسم شارع)؟' },
      },
    },
  },
  'streetlight-out': {
    es: {
      name: 'Farola que no funciona',
      description: 'Una farola apagada, que parpadea, que está encendida de día o que tiene el poste o la tapa dañados.',
      keywords: ['farola', 'alumbrado', 'luz', 'apagada', 'parpadea', 'oscuro', 'poste'],
      serviceNotice: 'La mayoría de las farolas se reparan en 7 días hábiles. Los cables al descubierto se aseguran en 4 horas.',
      attributes: {
        fault: { description: '¿Cuál es el problema?', values: { out: 'La luz está apagada', flickering: 'Se enciende y se apaga', on_all_day: 'Está encendida de día', dim: 'Da muy poca luz', damaged: 'Poste o tapa dañados, o cables al descubierto', other: other.es } },
        pole_number: { description: 'Número del poste, si lo ve', helpText: 'Suele estar en una placa pequeña a la altura de la cabeza.' },
      },
    },
    ar: {
      name: 'عمود إنارة لا يعمل',
      description: 'مصباح شارع مطفأ أو يومض أو مضاء في النهار، أو عمود أو غطاء متضرر.',
      keywords: ['إنارة', 'مصباح', 'عمود إنارة', 'ضوء', 'مطفأ', 'يومض', 'ظلام'],
      serviceNotice: 'تُصلح معظم المصابيح خلال 7 أيام عمل. وتُؤمَّن الأسلاك المكشوفة خلال 4 ساعات.',
      attributes: {
        fault: { description: 'ما المشكلة؟', values: { out: 'المصباح مطفأ', flickering: 'يومض ويطفأ', on_all_day: 'يبقى مضاءً في النهار', dim: 'ضوؤه خافت جدًا', damaged: 'عمود أو غطاء متضرر أو أسلاك مكشوفة', other: other.ar } },
        pole_number: { description: 'رقم العمود إن كنت تراه', helpText: 'يكون عادةً على لوحة صغيرة بمستوى الرأس.' },
      },
    },
  },
  'traffic-signal': {
    es: {
      name: 'Avería de semáforo',
      description: 'Semáforos o un semáforo de paso de peatones apagados, bloqueados o dañados.',
      keywords: ['semáforo', 'semáforos', 'señal', 'paso de peatones', 'peatones', 'en rojo'],
      serviceNotice: 'Los semáforos totalmente apagados se atienden como una emergencia, de día y de noche.',
      attributes: {
        fault: { description: '¿Cuál es el problema?', values: { not_working: 'Las luces están apagadas', stuck: 'Se ha quedado en un color', crossing_button: 'El pulsador o la señal de peatones no funciona', damaged: 'Poste o luces dañados', other: other.es } },
      },
    },
    ar: {
      name: 'عطل في إشارة المرور',
      description: 'إشارات مرور أو إشارة عبور مشاة مطفأة أو عالقة أو متضررة.',
      keywords: ['إشارة مرور', 'إشارة', 'إشارات', 'عبور المشاة', 'مشاة', 'أحمر'],
      serviceNotice: 'تُعامل الإشارات المطفأة كليًا كحالة طارئة ليلًا ونهارًا.',
      attributes: {
        fault: { description: 'ما المشكلة؟', values: { not_working: 'الأضواء مطفأة', stuck: 'عالقة على لون واحد', crossing_button: 'زر العبور أو إشارة المشاة معطل', damaged: 'العمود أو الأضواء متضررة', other: other.ar } },
      },
    },
  },
  'street-cleaning': {
    es: {
      name: 'Basura o calle sucia',
      description: 'Basura suelta, cristales rotos, desperdicios derramados o una calle que hay que barrer.',
      keywords: ['basura', 'suciedad', 'desperdicios', 'barrer', 'sucia', 'cristales', 'limpieza'],
      serviceNotice: 'Los equipos de limpieza suelen pasar en 3 días hábiles.',
      attributes: {
        litter_type: { description: '¿Qué hay que limpiar?', values: { litter: 'Basura suelta o desperdicios', broken_glass: 'Cristales rotos', clothing: 'Ropa o textiles', leaves_or_debris: 'Hojas o escombros', other: other.es } },
      },
    },
    ar: {
      name: 'قمامة أو شارع متسخ',
      description: 'قمامة متناثرة أو زجاج مكسور أو نفايات مسكوبة أو شارع يحتاج إلى كنس.',
      keywords: ['قمامة', 'نفايات', 'زبالة', 'كنس', 'متسخ', 'زجاج', 'تنظيف'],
      serviceNotice: 'تزور فرق التنظيف المكان عادةً خلال 3 أيام عمل.',
      attributes: {
        litter_type: { description: 'ما الذي يحتاج إلى تنظيف؟', values: { litter: 'قمامة أو نفايات متناثرة', broken_glass: 'زجاج مكسور', clothing: 'ملابس أو منسوجات', leaves_or_debris: 'أوراق شجر أو حطام', other: other.ar } },
      },
    },
  },
  'illegal-dumping': {
    es: {
      name: 'Basura o muebles abandonados',
      description: 'Muebles, colchones, electrodomésticos, bolsas u otros residuos dejados en la calle o en terreno público.',
      keywords: ['vertido', 'vertidos', 'abandonado', 'muebles', 'colchón', 'nevera', 'sofá', 'enseres', 'neumáticos'],
      serviceNotice: 'Recogemos los residuos abandonados en 5 días hábiles y buscamos pruebas de quién los dejó.',
      attributes: {
        safety_notice: { description: 'No toque ni abra los residuos abandonados. Si pueden ser peligrosos (agujas, productos químicos, amianto), comuníquelo como residuos peligrosos.' },
        waste_types: { description: '¿Qué se ha abandonado?', helpText: 'Elija todas las que correspondan.', values: { furniture: 'Muebles', mattress: 'Colchón', appliance: 'Nevera, lavadora u otro electrodoméstico', electronics: 'Televisor, ordenador u otros aparatos electrónicos', bags_or_boxes: 'Bolsas o cajas', building_waste: 'Escombros de obra', tires: 'Neumáticos', other: other.es } },
        amount: { description: '¿Cuánto hay?', values: { single_item: 'Un objeto', few_items: 'Unos pocos objetos', car_load: 'Lo que cabe en un coche', truck_load: 'Lo que cabe en un camión o más' } },
        item_count: { description: '¿Cuántos objetos o bolsas hay, aproximadamente?' },
        seen_dumping_at: { description: 'Si vio cómo lo dejaban, ¿cuándo fue?' },
        vehicle_seen: { description: 'Si vio un vehículo, descríbalo (marca, color, matrícula)', helpText: 'Solo lo usamos para investigar; nunca se publica.' },
        more_details: { description: '¿Hay algo más que ayude a nuestro equipo a encontrarlo o recogerlo?' },
      },
    },
    ar: {
      name: 'نفايات أو أثاث ملقى',
      description: 'أثاث أو مراتب أو أجهزة أو أكياس أو نفايات أخرى تُركت في الشارع أو في أرض عامة.',
      keywords: ['رمي النفايات', 'ملقى', 'أثاث', 'مرتبة', 'ثلاجة', 'أريكة', 'نفايات ضخمة', 'إطارات'],
      serviceNotice: 'نجمع النفايات الملقاة خلال 5 أيام عمل ونبحث عن أدلة على من تركها.',
      attributes: {
        safety_notice: { description: 'لا تلمس النفايات الملقاة ولا تفتحها. إذا كانت قد تكون خطرة (إبر أو مواد كيميائية أو أسبستوس) فأبلغ عنها بوصفها نفايات خطرة.' },
        waste_types: { description: 'ما الذي أُلقي؟', helpText: 'اختر كل ما ينطبق.', values: { furniture: 'أثاث', mattress: 'مرتبة', appliance: 'ثلاجة أو غسالة أو جهاز منزلي آخر', electronics: 'تلفاز أو حاسوب أو أجهزة إلكترونية أخرى', bags_or_boxes: 'أكياس أو صناديق', building_waste: 'ركام بناء', tires: 'إطارات', other: other.ar } },
        amount: { description: 'ما الكمية؟', values: { single_item: 'قطعة واحدة', few_items: 'بضع قطع', car_load: 'حمولة سيارة تقريبًا', truck_load: 'حمولة شاحنة أو أكثر' } },
        item_count: { description: 'كم عدد القطع أو الأكياس تقريبًا؟' },
        seen_dumping_at: { description: 'إذا رأيت أحدًا يلقيها، فمتى كان ذلك؟' },
        vehicle_seen: { description: 'إذا رأيت مركبة فصِفها (الطراز واللون ورقم اللوحة)', helpText: 'نستخدم هذا للتحقيق فقط، ولا يُنشر أبدًا.' },
        more_details: { description: 'هل هناك أي شيء آخر يساعد فريقنا على إيجادها أو جمعها؟' },
      },
    },
  },
  'hazardous-waste': {
    es: {
      name: 'Agujas, excrementos o vertido peligroso',
      description: 'Agujas usadas, excrementos humanos, o aceite, pintura o productos químicos derramados en una calle o acera pública.',
      keywords: ['agujas', 'jeringuilla', 'jeringa', 'excrementos', 'heces', 'orina', 'derrame', 'aceite', 'pintura', 'químicos'],
      serviceNotice: 'No lo toque. Intentamos retirar los residuos peligrosos en 24 horas.',
      attributes: {
        hazard: { description: '¿Qué es?', values: { needles: 'Agujas o jeringuillas', human_waste: 'Excrementos humanos', spill: 'Derrame de aceite, pintura o productos químicos', broken_glass: 'Cristales rotos', other: other.es } },
      },
    },
    ar: {
      name: 'إبر أو فضلات بشرية أو انسكاب خطر',
      description: 'إبر مستعملة أو فضلات بشرية أو زيت أو طلاء أو مواد كيميائية مسكوبة في شارع أو رصيف عام.',
      keywords: ['إبر', 'حقنة', 'حقن', 'فضلات', 'براز', 'بول', 'انسكاب', 'زيت', 'طلاء', 'مواد كيميائية'],
      serviceNotice: 'يُرجى عدم لمسها. نسعى إلى إزالة النفايات الخطرة خلال 24 ساعة.',
      attributes: {
        hazard: { description: 'ما هو؟', values: { needles: 'إبر أو حقن', human_waste: 'فضلات بشرية', spill: 'انسكاب زيت أو طلاء أو مواد كيميائية', broken_glass: 'زجاج مكسور', other: other.ar } },
      },
    },
  },
  'litter-bin': {
    es: {
      name: 'Papelera pública llena o dañada',
      description: 'Una papelera de la calle que rebosa, está rota o volcada, o la petición de una nueva.',
      keywords: ['papelera', 'cubo', 'rebosa', 'llena', 'papelera pública', 'nueva papelera'],
      serviceNotice: 'Las papeleras llenas suelen vaciarse en 3 días hábiles. Las peticiones de papeleras nuevas se estudian cada mes.',
      attributes: {
        problem: { description: '¿Cuál es el problema?', values: { full: 'Está llena o rebosa', damaged: 'Está dañada o volcada', new_or_move: 'Pedir una papelera nueva o cambiarla de sitio', other: other.es } },
      },
    },
    ar: {
      name: 'سلة مهملات عامة ممتلئة أو متضررة',
      description: 'سلة مهملات عامة في الشارع تفيض أو مكسورة أو مقلوبة، أو طلب سلة جديدة.',
      keywords: ['سلة مهملات', 'سلة', 'تفيض', 'ممتلئة', 'سلة عامة', 'سلة جديدة'],
      serviceNotice: 'تُفرغ السلال الممتلئة عادةً خلال 3 أيام عمل. وتُدرس طلبات السلال الجديدة كل شهر.',
      attributes: {
        problem: { description: 'ما المشكلة؟', values: { full: 'ممتلئة أو تفيض', damaged: 'متضررة أو مقلوبة', new_or_move: 'طلب سلة جديدة أو نقل سلة', other: other.ar } },
      },
    },
  },
  'bins-left-out': {
    es: {
      name: 'Cubos de basura de viviendas dejados en la calle',
      description: 'Cubos de basura de viviendas o negocios que se quedan en la acera toda la semana después del día de recogida.',
      keywords: ['cubos en la calle', 'contenedores', 'cubo con ruedas', 'cubo de basura', 'recogida'],
      serviceNotice: 'Escribiremos al propietario del inmueble para pedirle que retire sus cubos después de la recogida.',
      attributes: {
        bin_type: { description: '¿Qué tipo de cubos?', values: { garbage: 'Basura', recycling: 'Reciclaje', compost: 'Orgánico', mixed: 'Varios tipos' } },
        bin_count: { description: '¿Cuántos cubos?' },
      },
    },
    ar: {
      name: 'حاويات منزلية متروكة في الشارع',
      description: 'حاويات قمامة لمنازل أو محلات تُترك على الرصيف طوال الأسبوع بعد يوم الجمع.',
      keywords: ['حاويات متروكة', 'حاويات', 'حاوية بعجلات', 'حاوية قمامة', 'جمع القمامة'],
      serviceNotice: 'سنكتب إلى مالك العقار ونطلب منه إدخال حاوياته بعد الجمع.',
      attributes: {
        bin_type: { description: 'ما نوع الحاويات؟', values: { garbage: 'قمامة', recycling: 'إعادة تدوير', compost: 'سماد عضوي', mixed: 'خليط' } },
        bin_count: { description: 'كم عدد الحاويات؟' },
      },
    },
  },
  'graffiti-public': {
    es: {
      name: 'Grafiti en propiedad pública',
      description: 'Grafitis o firmas en mobiliario urbano, postes, armarios de semáforos, marquesinas, aceras u otra propiedad pública.',
      keywords: ['grafiti', 'grafitis', 'pintada', 'firma', 'espray', 'vandalismo', 'grafiti ofensivo'],
      serviceNotice: 'Los grafitis ofensivos se retiran en 1 día hábil; los demás, en 5.',
      attributes: {
        offensive: { description: '¿Es ofensivo (racista, sexual o insultante)?', values: yesNo.es },
        surface: { description: '¿Dónde está?', values: { pole: 'En un poste', signal_box: 'En un armario de semáforo o de servicios', mailbox: 'En un buzón', sidewalk_or_street: 'En la acera o la calzada', bus_shelter: 'En una marquesina de autobús', news_rack: 'En un expositor de periódicos', litter_bin: 'En una papelera', other: other.es } },
      },
    },
    ar: {
      name: 'كتابة على جدران ملكية عامة',
      description: 'كتابة أو رسوم على أثاث الشوارع أو الأعمدة أو صناديق الإشارات أو مظلات الحافلات أو الأرصفة أو غيرها من الممتلكات العامة.',
      keywords: ['كتابة على الجدران', 'جرافيتي', 'رسوم', 'بخاخ', 'تخريب', 'كتابة مسيئة'],
      serviceNotice: 'تُزال الكتابات المسيئة خلال يوم عمل واحد، وغيرها خلال 5 أيام.',
      attributes: {
        offensive: { description: 'هل هي مسيئة (عنصرية أو جنسية أو مهينة)؟', values: yesNo.ar },
        surface: { description: 'على أي شيء هي؟', values: { pole: 'عمود', signal_box: 'صندوق إشارات أو مرافق', mailbox: 'صندوق بريد', sidewalk_or_street: 'الرصيف أو الشارع', bus_shelter: 'مظلة حافلات', news_rack: 'حامل صحف', litter_bin: 'سلة مهملات', other: other.ar } },
      },
    },
  },
  'graffiti-private': {
    es: {
      name: 'Grafiti en un edificio privado',
      description: 'Grafitis en una vivienda, tienda, valla u otra propiedad privada que se ven desde la calle.',
      keywords: ['grafiti', 'pintada', 'edificio', 'pared', 'tienda', 'valla', 'propiedad privada'],
      serviceNotice: 'Los propietarios deben quitar los grafitis de su propiedad. Les enviaremos un aviso y volveremos a comprobarlo a los 30 días.',
      attributes: {
        offensive: { description: '¿Es ofensivo (racista, sexual o insultante)?', values: yesNo.es },
        property_type: { description: '¿Qué tipo de propiedad?', values: { commercial: 'Una tienda o negocio', residential: 'Una vivienda', sidewalk: 'La acera delante de una propiedad', other: other.es } },
      },
    },
    ar: {
      name: 'كتابة على جدران مبنى خاص',
      description: 'كتابة على منزل أو متجر أو سياج أو ملكية خاصة أخرى تُرى من الشارع.',
      keywords: ['كتابة على الجدران', 'جرافيتي', 'مبنى', 'جدار', 'متجر', 'سياج', 'ملكية خاصة'],
      serviceNotice: 'على المالكين إزالة الكتابات عن ممتلكاتهم. سنرسل إليهم إشعارًا ونتحقق مجددًا بعد 30 يومًا.',
      attributes: {
        offensive: { description: 'هل هي مسيئة (عنصرية أو جنسية أو مهينة)؟', values: yesNo.ar },
        property_type: { description: 'ما نوع الملكية؟', values: { commercial: 'متجر أو نشاط تجاري', residential: 'منزل', sidewalk: 'الرصيف أمام عقار', other: other.ar } },
      },
    },
  },
  'fly-posting': {
    es: {
      name: 'Carteles o folletos ilegales',
      description: 'Carteles, folletos o anuncios pegados en postes, semáforos o paredes sin permiso o sin fecha de colocación.',
      keywords: ['carteles', 'folletos', 'anuncios', 'pegatinas', 'propaganda', 'carteles en postes'],
      serviceNotice: 'Retiramos los carteles ilegales y podemos multar a quien los puso.',
      attributes: {
        location: { description: '¿Dónde están?', values: { pole: 'En un poste de luz o de servicios', traffic_signal: 'En un semáforo', wall_or_building: 'En una pared o un edificio', other: 'En otro sitio' } },
        poster_count: { description: '¿Cuántos carteles hay, aproximadamente?' },
      },
    },
    ar: {
      name: 'ملصقات أو منشورات غير قانونية',
      description: 'ملصقات أو منشورات أو لافتات مثبتة على الأعمدة أو إشارات المرور أو الجدران دون إذن أو تاريخ لصق.',
      keywords: ['ملصقات', 'منشورات', 'إعلانات', 'لاصقات', 'دعاية', 'لافتات على الأعمدة'],
      serviceNotice: 'نزيل الملصقات غير القانونية وقد نفرض غرامة على من وضعها.',
      attributes: {
        location: { description: 'أين هي؟', values: { pole: 'على عمود إنارة أو مرافق', traffic_signal: 'على إشارة مرور', wall_or_building: 'على جدار أو مبنى', other: 'في مكان آخر' } },
        poster_count: { description: 'كم عدد الملصقات تقريبًا؟' },
      },
    },
  },
  'tree-maintenance': {
    es: {
      name: 'Problema con un árbol',
      description: 'Un árbol de la calle que se ha caído, está muerto o dañado, tiene una rama colgando o necesita poda.',
      keywords: ['árbol', 'rama', 'árbol caído', 'árbol muerto', 'poda', 'raíces', 'podar'],
      serviceNotice: 'Un árbol caído que bloquea una calle se retira el mismo día. Un arboricultor revisa los demás avisos.',
      attributes: {
        problem: { description: '¿Qué le pasa al árbol?', values: { fallen: 'Se ha caído', hanging_branch: 'Una rama cuelga o está a punto de caer', dead: 'Parece muerto', damaged: 'Está dañado o lo han destrozado', overgrown: 'Ha crecido demasiado o necesita poda', damaging_property: 'Está dañando una propiedad o la acera', other: other.es } },
        blocking: { description: '¿Bloquea una calle o una acera?', values: yesNo.es },
      },
    },
    ar: {
      name: 'مشكلة في شجرة',
      description: 'شجرة في الشارع سقطت أو ماتت أو تضررت، أو فيها غصن متدلٍّ، أو نمت أكثر من اللازم.',
      keywords: ['شجرة', 'غصن', 'شجرة ساقطة', 'شجرة ميتة', 'تقليم', 'جذور', 'فرع'],
      serviceNotice: 'تُزال الشجرة الساقطة التي تسد طريقًا في اليوم نفسه. ويفحص خبير أشجار البلاغات الأخرى.',
      attributes: {
        problem: { description: 'ما مشكلة الشجرة؟', values: { fallen: 'سقطت', hanging_branch: 'غصن متدلٍّ أو على وشك السقوط', dead: 'تبدو ميتة', damaged: 'تضررت أو خُرّبت', overgrown: 'نمت أكثر من اللازم أو تحتاج إلى تقليم', damaging_property: 'تُلحق الضرر بممتلكات أو بالرصيف', other: other.ar } },
        blocking: { description: 'هل تسد طريقًا أو رصيفًا؟', values: yesNo.ar },
      },
    },
  },
  'park-maintenance': {
    es: {
      name: 'Problema en un parque o zona de juegos',
      description: 'Juegos infantiles, luces, vallas, aseos o caminos rotos, basura o grafitis en un parque.',
      keywords: ['parque', 'zona de juegos', 'columpios', 'aseos', 'valla', 'camino', 'banco', 'luces del parque'],
      serviceNotice: 'El personal de parques revisa los avisos cada día hábil. Los juegos peligrosos se cierran de inmediato.',
      attributes: {
        problem: { description: '¿Cuál es el problema?', values: { play_equipment: 'Juegos infantiles o instalaciones deportivas', lighting: 'Luces o electricidad', toilets_or_water: 'Aseos, grifos o riego', fences_and_paths: 'Vallas, puertas o caminos', graffiti: 'Grafitis', litter: 'Basura o zona sucia', safety: 'Un problema de seguridad', other: other.es } },
        park_name: { description: '¿Qué parque?' },
      },
    },
    ar: {
      name: 'مشكلة في حديقة أو ملعب أطفال',
      description: 'ألعاب أو أضواء أو أسوار أو دورات مياه أو ممرات مكسورة، أو قمامة أو كتابة على الجدران في حديقة.',
      keywords: ['حديقة', 'ملعب أطفال', 'أرجوحة', 'دورات مياه', 'سياج', 'ممر', 'مقعد', 'أضواء الحديقة'],
      serviceNotice: 'يراجع موظفو الحدائق البلاغات كل يوم عمل. وتُغلق الألعاب الخطرة فورًا.',
      attributes: {
        problem: { description: 'ما المشكلة؟', values: { play_equipment: 'ألعاب الأطفال أو المعدات الرياضية', lighting: 'الأضواء أو الكهرباء', toilets_or_water: 'دورات المياه أو الصنابير أو الري', fences_and_paths: 'الأسوار أو البوابات أو الممرات', graffiti: 'كتابة على الجدران', litter: 'قمامة أو مكان متسخ', safety: 'مشكلة تتعلق بالسلامة', other: other.ar } },
        park_name: { description: 'أي حديقة؟' },
      },
    },
  },
  'sewer-backup': {
    es: {
      name: 'Desbordamiento de aguas residuales',
      description: 'Aguas residuales que salen por un respiradero, una alcantarilla o un desagüe, o que entran en una propiedad.',
      keywords: ['aguas residuales', 'alcantarilla', 'desbordamiento', 'atasco', 'inodoro', 'registro', 'respiradero'],
      serviceNotice: 'Los desbordamientos de aguas residuales son una emergencia: enviamos un equipo de día y de noche.',
      attributes: {
        source: { description: '¿De dónde sale?', values: { sewer_vent: 'De un respiradero junto a una propiedad', manhole: 'De una alcantarilla', street_drain: 'De un desagüe de la calle', inside_property: 'Dentro de una propiedad', not_sure: notSure.es } },
      },
    },
    ar: {
      name: 'فيضان مياه الصرف الصحي',
      description: 'مياه صرف صحي تخرج من فتحة تهوية أو غرفة تفتيش أو مصرف، أو ترتد إلى داخل عقار.',
      keywords: ['صرف صحي', 'مجاري', 'فيضان', 'انسداد', 'مرحاض', 'غرفة تفتيش', 'فتحة تهوية'],
      serviceNotice: 'فيضان الصرف الصحي حالة طارئة: نرسل فريقًا ليلًا ونهارًا.',
      attributes: {
        source: { description: 'من أين تخرج؟', values: { sewer_vent: 'من فتحة تهوية قرب عقار', manhole: 'من غرفة تفتيش', street_drain: 'من مصرف في الشارع', inside_property: 'داخل عقار', not_sure: notSure.ar } },
      },
    },
  },
  'blocked-drain': {
    es: {
      name: 'Desagüe atascado o calle inundada',
      description: 'Un imbornal atascado, o agua de lluvia que inunda la calle o una propiedad.',
      keywords: ['desagüe', 'imbornal', 'atascado', 'inundación', 'inundada', 'sumidero', 'charco', 'alcantarilla'],
      serviceNotice: 'Primero atendemos las inundaciones. Los desagües atascados sin inundación se limpian en 3 días hábiles.',
      attributes: {
        flooding: { description: '¿Hay inundación?', values: { street: 'Sí, en la calle', property: 'Sí, en una propiedad', none: 'No, el desagüe está atascado' } },
      },
    },
    ar: {
      name: 'مصرف مسدود أو شارع غارق',
      description: 'مصرف مياه أمطار مسدود، أو مياه أمطار تغمر الشارع أو عقارًا.',
      keywords: ['مصرف', 'مصرف مسدود', 'فيضان', 'غرق', 'بالوعة', 'تجمع مياه', 'مياه الأمطار'],
      serviceNotice: 'نتعامل مع الفيضانات أولًا. وتُنظف المصارف المسدودة دون فيضان خلال 3 أيام عمل.',
      attributes: {
        flooding: { description: 'هل هناك فيضان؟', values: { street: 'نعم، في الشارع', property: 'نعم، في عقار', none: 'لا، المصرف مسدود فقط' } },
      },
    },
  },
  'water-leak': {
    es: {
      name: 'Fuga de agua en la calle',
      description: 'Agua limpia que sale del suelo, de una tubería principal, de un hidrante o de una arqueta de contador.',
      keywords: ['fuga de agua', 'fuga', 'tubería rota', 'tubería', 'hidrante', 'agua corriendo'],
      serviceNotice: 'Una tubería principal rota se repara como emergencia; las fugas menores, en 2 días hábiles.',
      attributes: {
        source: { description: '¿De dónde sale el agua?', values: { ground: 'Del suelo o la acera', main_break: 'De una tubería principal rota, a chorro', hydrant: 'De una boca de incendios', meter_box: 'De una arqueta de contador de agua', not_sure: notSure.es } },
      },
    },
    ar: {
      name: 'تسرب مياه في الشارع',
      description: 'مياه نظيفة تتسرب من الأرض أو من أنبوب رئيسي أو من صنبور إطفاء أو من صندوق عداد.',
      keywords: ['تسرب مياه', 'تسرب', 'انفجار أنبوب', 'أنبوب رئيسي', 'صنبور إطفاء', 'مياه جارية'],
      serviceNotice: 'يُصلح انفجار الأنبوب الرئيسي كحالة طارئة، والتسربات الأصغر خلال يومَي عمل.',
      attributes: {
        source: { description: 'من أين تأتي المياه؟', values: { ground: 'من الأرض أو الرصيف', main_break: 'من أنبوب رئيسي منفجر، تتدفق بقوة', hydrant: 'من صنبور إطفاء حرائق', meter_box: 'من صندوق عداد المياه', not_sure: notSure.ar } },
      },
    },
  },
  'sewer-odour': {
    es: {
      name: 'Olor a alcantarilla',
      description: 'Un olor a aguas residuales que sale de un desagüe, una alcantarilla o un respiradero.',
      keywords: ['olor', 'mal olor', 'peste', 'olor a alcantarilla', 'hedor', 'olor del desagüe'],
      serviceNotice: 'Un equipo revisará la alcantarilla y la limpiará o sellará si hace falta.',
      attributes: {
        strength: { description: '¿Qué intensidad tiene el olor?', values: { faint: 'Leve', strong: 'Fuerte', very_strong: 'Muy fuerte, cuesta respirar' } },
      },
    },
    ar: {
      name: 'رائحة صرف صحي',
      description: 'رائحة مياه صرف صحي تخرج من مصرف أو غرفة تفتيش أو فتحة تهوية.',
      keywords: ['رائحة', 'رائحة كريهة', 'نتن', 'رائحة المجاري', 'عفن', 'رائحة المصرف'],
      serviceNotice: 'سيفحص فريق المجرور وينظفه أو يغلقه إذا لزم الأمر.',
      attributes: {
        strength: { description: 'ما مدى قوة الرائحة؟', values: { faint: 'خفيفة', strong: 'قوية', very_strong: 'قوية جدًا، يصعب التنفس' } },
      },
    },
  },
  'missing-cover': {
    es: {
      name: 'Tapa de alcantarilla o rejilla que falta o está suelta',
      description: 'Una tapa de alcantarilla, una rejilla de desagüe o una tapa de respiradero que falta, está suelta o rota.',
      keywords: ['alcantarilla', 'tapa', 'rejilla', 'falta la tapa', 'agujero', 'tapa de registro'],
      serviceNotice: 'Los agujeros abiertos se aseguran en 2 horas. Si alguien puede caerse, llame también al 911.',
      attributes: {
        cover_type: { description: '¿Qué tipo de tapa?', values: { manhole: 'Una tapa de alcantarilla en la calzada', vent: 'Una tapa pequeña de respiradero en la acera', drain_grate: 'Una rejilla de desagüe', not_sure: notSure.es } },
      },
    },
    ar: {
      name: 'غطاء مصرف أو غرفة تفتيش مفقود أو غير مثبت',
      description: 'غطاء غرفة تفتيش أو شبكة مصرف أو غطاء فتحة تهوية مفقود أو غير مثبت أو مكسور.',
      keywords: ['غرفة تفتيش', 'غطاء', 'شبكة', 'غطاء مفقود', 'فتحة', 'غطاء المجاري'],
      serviceNotice: 'تُؤمَّن الفتحات المكشوفة خلال ساعتين. إذا كان أحد قد يسقط فيها فاتصل أيضًا بالرقم 911.',
      attributes: {
        cover_type: { description: 'ما نوع الغطاء؟', values: { manhole: 'غطاء غرفة تفتيش في الطريق', vent: 'غطاء صغير لفتحة تهوية على الرصيف', drain_grate: 'شبكة مصرف', not_sure: notSure.ar } },
      },
    },
  },
  'abandoned-vehicle': {
    es: {
      name: 'Vehículo abandonado',
      description: 'Un vehículo aparcado en el mismo sitio de la vía pública durante más de 72 horas, o que parece abandonado.',
      keywords: ['abandonado', 'coche', 'vehículo', 'furgoneta', 'remolque', 'moto', 'aparcado', '72 horas'],
      serviceNotice: 'Un agente marcará el vehículo; si no se ha movido en 72 horas, puede ser retirado por la grúa.',
      attributes: {
        vehicle_type: { description: '¿Qué tipo de vehículo?', values: { car: 'Coche', pickup_or_van: 'Camioneta o furgoneta', suv: 'Todoterreno', motorcycle: 'Moto o ciclomotor', trailer: 'Remolque, autocaravana o barco', other: other.es } },
        make_and_colour: { description: 'Marca y color' },
        days_parked: { description: '¿Cuántos días lleva ahí, aproximadamente?' },
      },
    },
    ar: {
      name: 'مركبة مهجورة',
      description: 'مركبة متوقفة في المكان نفسه من شارع عام أكثر من 72 ساعة، أو تبدو مهجورة.',
      keywords: ['مهجورة', 'سيارة', 'مركبة', 'شاحنة صغيرة', 'مقطورة', 'دراجة نارية', 'متوقفة', '72 ساعة'],
      serviceNotice: 'سيضع موظف علامة على المركبة؛ وإذا لم تتحرك بعد 72 ساعة فقد تُسحب.',
      attributes: {
        vehicle_type: { description: 'ما نوع المركبة؟', values: { car: 'سيارة', pickup_or_van: 'شاحنة صغيرة أو عربة نقل', suv: 'سيارة رياضية متعددة الأغراض', motorcycle: 'دراجة نارية أو سكوتر', trailer: 'مقطورة أو عربة تخييم أو قارب', other: other.ar } },
        make_and_colour: { description: 'الطراز واللون' },
        days_parked: { description: 'منذ كم يومًا تقريبًا وهي هناك؟' },
      },
    },
  },
  'parking-meter': {
    es: {
      name: 'Parquímetro averiado',
      description: 'Un parquímetro o una máquina de pago que no acepta el pago, no muestra nada o está dañado.',
      keywords: ['parquímetro', 'máquina de pago', 'contador', 'monedas', 'tarjeta', 'estacionamiento', 'aparcamiento'],
      serviceNotice: 'Mientras un parquímetro figure como averiado, puede aparcar ahí durante el tiempo máximo indicado.',
      attributes: {
        fault: { description: '¿Cuál es el problema?', values: { coins: 'No acepta monedas', cards: 'No acepta tarjetas', blank: 'La pantalla está en blanco', damaged: 'Está dañado', other: other.es } },
        meter_number: { description: 'Número del parquímetro, si lo ve' },
      },
    },
    ar: {
      name: 'عداد مواقف معطل',
      description: 'عداد مواقف أو آلة دفع لا تقبل الدفع أو لا تعرض شيئًا أو متضررة.',
      keywords: ['عداد مواقف', 'آلة دفع', 'عداد', 'عملات معدنية', 'بطاقة', 'موقف', 'مواقف'],
      serviceNotice: 'ما دام العداد مبلغًا عن عطله يمكنك الوقوف هناك طوال المدة المحددة.',
      attributes: {
        fault: { description: 'ما المشكلة؟', values: { coins: 'لا يقبل العملات المعدنية', cards: 'لا يقبل البطاقات', blank: 'الشاشة فارغة', damaged: 'متضرر', other: other.ar } },
        meter_number: { description: 'رقم العداد إن كنت تراه' },
      },
    },
  },
  'animal-problem': {
    es: {
      name: 'Animal callejero, herido o muerto',
      description: 'Un animal callejero o herido, fauna salvaje en apuros, o un animal muerto en una calle o terreno público.',
      keywords: ['animal', 'callejero', 'perro', 'gato', 'herido', 'animal muerto', 'fauna', 'mapache', 'pájaro'],
      serviceNotice: 'Si un animal es peligroso o está gravemente herido, llame ahora al Servicio de Atención Animal.',
      attributes: {
        animal: { description: '¿Qué animal es?', values: { dog: 'Perro', cat: 'Gato', bird: 'Pájaro', wildlife: 'Mapache, mofeta u otro animal salvaje', other: other.es } },
        situation: { description: '¿Qué ocurre?', values: { stray: 'Está suelto o perdido', injured: 'Está herido o enfermo', dead: 'Está muerto', other: other.es } },
      },
    },
    ar: {
      name: 'حيوان ضال أو مصاب أو نافق',
      description: 'حيوان ضال أو مصاب، أو حيوان بري في خطر، أو حيوان نافق في شارع أو أرض عامة.',
      keywords: ['حيوان', 'ضال', 'كلب', 'قطة', 'مصاب', 'حيوان نافق', 'حيوانات برية', 'راكون', 'طائر'],
      serviceNotice: 'إذا كان الحيوان خطرًا أو مصابًا إصابة بالغة فاتصل بخدمات رعاية الحيوان الآن.',
      attributes: {
        animal: { description: 'ما الحيوان؟', values: { dog: 'كلب', cat: 'قطة', bird: 'طائر', wildlife: 'راكون أو ظربان أو حيوان بري آخر', other: other.ar } },
        situation: { description: 'ماذا يحدث؟', values: { stray: 'ضال أو تائه', injured: 'مصاب أو مريض', dead: 'نافق', other: other.ar } },
      },
    },
  },
};
