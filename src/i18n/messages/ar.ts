/**
 * Arabic (Modern Standard Arabic), written right to left. Same keys and placeholders as en.ts
 * (the reference); see there for the rules. Plurals use Arabic's six forms (zero, one, two,
 * few, many, other); durations follow "لمدة", so the dual is in its -ين form.
 */
import type { Messages } from './en.js';

export const ar: Messages = {
  'frame.skipLink': 'انتقل إلى المحتوى الرئيسي',
  'frame.accountNav': 'حسابك',
  'frame.staff': 'مساحة عمل الموظفين',
  'frame.admin': 'الإدارة',
  'frame.account': 'حسابك',
  'frame.signIn': 'تسجيل الدخول',
  'frame.signOut': 'تسجيل الخروج',
  'frame.languageNav': 'اللغة',
  'frame.footer': '{council}، بتشغيل Townhall',

  'home.title': 'خدمات البلدية',
  'home.heading': '{council}: خدمات البلدية',
  'home.intro': 'أبلغ عن مشكلة، وتابع ما يحدث بشأنها، وأدِر حسابك.',
  'home.signIn': '<signIn>سجّل الدخول</signIn> أو <register>أنشئ حسابًا</register>',
  'home.developers': 'للمطوّرين: واجهة Open311 البرمجية',

  'form.problem': 'هناك مشكلة',
  'form.errorPrefix': 'خطأ:',

  'duration.minutes': '{count, plural, zero {# دقيقة} one {دقيقة واحدة} two {دقيقتين} few {# دقائق} many {# دقيقة} other {# دقيقة}}',
  'duration.hours': '{count, plural, zero {# ساعة} one {ساعة واحدة} two {ساعتين} few {# ساعات} many {# ساعة} other {# ساعة}}',
  'duration.days': '{count, plural, zero {# يوم} one {يوم واحد} two {يومين} few {# أيام} many {# يومًا} other {# يوم}}',

  'error.title.400': 'هناك مشكلة فيما أُرسل',
  'error.title.401': 'عليك تسجيل الدخول',
  'error.title.403': 'لا يمكنك القيام بهذا',
  'error.title.404': 'الصفحة غير موجودة',
  'error.title.409': 'تغيّر هذا',
  'error.title.413': 'ما أرسلته كبير جدًا',
  'error.title.429': 'محاولات كثيرة جدًا',
  'error.title.500': 'عذرًا، هناك مشكلة في الخدمة',
  'error.title.503': 'عذرًا، الخدمة غير متاحة',
  'error.title.other': 'حدث خطأ ما',
  'error.home': 'اذهب إلى الصفحة الرئيسية',

  'known.notFound': 'إذا كتبت عنوان الصفحة بنفسك، فتأكد من صحته. وإذا لصقته، فتأكد من أنك نسخت العنوان كاملًا.',
  'known.serverError': 'حدث خطأ من جهتنا ولم يتغيّر شيء. يُرجى المحاولة مرة أخرى لاحقًا.',
  'known.tooMany': 'حاولت مرات كثيرة جدًا. انتظر بضع دقائق، ثم حاول مرة أخرى.',
  'known.noAccess': 'ليس لديك إذن بفتح هذه الصفحة. إذا كنت تحتاج إليها في عملك، فاطلب ذلك من المسؤول عنك.',
  'known.otherSite': 'أُرسل هذا النموذج من موقع آخر، لذلك رُفض. ارجع إلى الصفحة، وأعد تحميلها، ثم حاول مرة أخرى.',
  'known.formExpired': 'انتهت صلاحية هذا النموذج أو أنه لم يأتِ من هذا الموقع، لذلك لم يتغيّر شيء. ارجع، وأعد تحميل الصفحة، ثم حاول مرة أخرى.',
  'known.linkNotUsable': 'انتهت صلاحية هذا الرابط أو سبق استخدامه.',
  'known.enterEmail': 'أدخل عنوان بريدك الإلكتروني',
  'known.emailFormat': 'أدخل عنوان بريد إلكتروني بالصيغة الصحيحة، مثل name@example.com',
  'known.enterNewPassword': 'أدخل كلمة مرور جديدة',
  'known.passwordShort': 'استخدم 8 أحرف على الأقل؛ فبضع كلمات غير مألوفة معًا تصنع كلمة مرور قوية.',
  'known.passwordLong': 'استخدم 256 حرفًا على الأكثر.',
  'known.passwordCommon': 'كلمة المرور هذه من أكثر كلمات المرور شيوعًا، لذلك يسهل تخمينها. اختر غيرها.',
  'known.passwordIsEmail': 'لا تستخدم عنوان بريدك الإلكتروني كلمةَ مرور.',
  'known.noPasswordYet': 'ليس لحسابك كلمة مرور بعد: استخدم «نسيت كلمة المرور» في صفحة تسجيل الدخول لتختار واحدة.',
  'known.currentWrong': 'كلمة المرور الحالية غير صحيحة.',
  'known.linkAskNew': 'انتهت صلاحية هذا الرابط أو سبق استخدامه. اطلب رابطًا جديدًا.',
  'known.accountDisabled': 'هذا الحساب معطّل. تواصل مع المسؤول عنك.',

  'signIn.title': 'تسجيل الدخول',
  'signIn.email': 'البريد الإلكتروني',
  'signIn.password': 'كلمة المرور',
  'signIn.button': 'تسجيل الدخول',
  'signIn.forgotten': 'نسيت كلمة المرور',
  'signIn.emailLink': '<link>سجّل الدخول برابط يُرسل إلى بريدك الإلكتروني</link> (للسكان)',
  'signIn.register': '<link>أنشئ حسابًا</link>. ويمكنك أيضًا الإبلاغ عن مشكلة دون حساب.',
  'signIn.orWith': 'أو سجّل الدخول باستخدام',
  'signIn.staffProvider': '{name} (للموظفين)',
  'signIn.enterEmail': 'أدخل عنوان بريدك الإلكتروني',
  'signIn.enterPassword': 'أدخل كلمة المرور',
  'signIn.locked': 'محاولات خاطئة كثيرة جدًا. حفاظًا على أمانك، انتظر {minutes, plural, zero {# دقيقة} one {دقيقة واحدة} two {دقيقتين} few {# دقائق} many {# دقيقة} other {# دقيقة}}، ثم حاول مرة أخرى.',
  'signIn.wrong': 'أدخل بريدًا إلكترونيًا وكلمة مرور صحيحين. قد يكون لحالة الأحرف (الكبيرة والصغيرة) أهمية في كليهما.',

  'secondFactor.setUpTitle': 'اضبط تطبيق المصادقة',
  'secondFactor.setUpIntro': 'تحتاج حسابات الموظفين إلى خطوة ثانية عند تسجيل الدخول. استخدم تطبيق مصادقة على هاتفك، مثل التطبيق الذي يوصي به فريق تقنية المعلومات في البلدية.',
  'secondFactor.step1': 'في التطبيق، اختر إضافة حساب، ثم امسح رمز QR هذا.',
  'secondFactor.step2': 'ثم أدخل الرمز المكوّن من 6 أرقام الذي يعرضه التطبيق.',
  'secondFactor.qrLabel': 'رمز QR لتطبيق المصادقة',
  'secondFactor.cannotScan': 'لا أستطيع مسح الرمز',
  'secondFactor.enterKey': 'بدلًا من ذلك، أدخل هذا المفتاح في التطبيق:',
  'secondFactor.openAddress': 'أو افتح هذا العنوان على هاتفك:',
  'secondFactor.enterTitle': 'أدخل الرمز',
  'secondFactor.enterIntro': 'افتح تطبيق المصادقة وأدخل الرمز المكوّن من 6 أرقام الذي يعرضه لهذه البلدية. إذا فقدت هاتفك، فأدخل أحد رموز الاسترداد.',
  'secondFactor.codeFromApp': 'الرمز من التطبيق',
  'secondFactor.code': 'الرمز',
  'secondFactor.codeHint': 'مثلًا 123456، أو رمز استرداد مثل abcde-fghjk',
  'secondFactor.continue': 'متابعة',
  'secondFactor.enterCode': 'أدخل الرمز من تطبيق المصادقة',
  'secondFactor.wrongSetUp': 'لم ينجح هذا الرمز. تأكد من أن الوقت على هاتفك صحيح، وأدخل أحدث رمز.',
  'secondFactor.wrong': 'لم ينجح هذا الرمز. أدخل أحدث رمز من التطبيق، أو رمز استرداد.',
  'secondFactor.lockedTitle': 'محاولات كثيرة جدًا',
  'secondFactor.locked': 'حفاظًا على أمانك، انتظر {minutes, plural, zero {# دقيقة} one {دقيقة واحدة} two {دقيقتين} few {# دقائق} many {# دقيقة} other {# دقيقة}}، ثم سجّل الدخول مرة أخرى.',
  'recovery.title': 'رموز الاسترداد الخاصة بك',
  'recovery.notice': 'احفظ هذه الرموز في مكان آمن، مثل برنامج لإدارة كلمات المرور. يصلح كل رمز لمرة واحدة إذا فقدت تطبيق المصادقة. لن نعرضها عليك مرة أخرى.',
  'recovery.continue': 'حفظت الرموز، متابعة',
  'signOut.title': 'سجّلت الخروج',
  'signOut.again': 'سجّل الدخول مرة أخرى',

  'oidc.unavailable': 'خدمة الدخول الموحّد لا تستجيب',
  'oidc.refused': 'لم تسجّل الدخول',
  'oidc.back': 'ارجع إلى صفحة تسجيل الدخول',

  'account.title': 'حسابك',
  'account.passwordChanged': 'تغيّرت كلمة المرور، وسُجّل خروجك من كل الأماكن الأخرى.',
  'account.ended': '{count, plural, zero {لم يُسجَّل الخروج من أي جلسة أخرى} one {سُجّل الخروج من جلسة أخرى واحدة} two {سُجّل الخروج من جلستين أخريين} few {سُجّل الخروج من # جلسات أخرى} many {سُجّل الخروج من # جلسة أخرى} other {سُجّل الخروج من # جلسة أخرى}}.',
  'account.email': 'البريد الإلكتروني',
  'account.notConfirmed': '(لم يُؤكَّد بعد: استخدم الرابط الذي أرسلناه إليك بالبريد الإلكتروني)',
  'account.type': 'نوع الحساب',
  'account.department': 'الإدارة',
  'account.authenticator': 'تطبيق المصادقة',
  'account.authenticatorSetUp': 'مضبوط',
  'account.authenticatorNotSetUp': 'لم يُضبط بعد',
  'account.created': 'تاريخ إنشاء الحساب',
  'account.reports': 'بلاغاتك',
  'account.reportsConfirmFirst': 'أكّد عنوان بريدك الإلكتروني، بالرابط الذي أرسلناه إليك، لترى البلاغات المقدّمة به.',
  'account.reportsNone': 'لم تقدّم أي بلاغ بعنوان البريد الإلكتروني هذا.',
  'account.reportsCaption': 'المشكلات التي أبلغت عنها، الأحدث أولًا',
  'account.reference': 'الرقم المرجعي',
  'account.service': 'الخدمة',
  'account.reported': 'تاريخ البلاغ',
  'account.sessions': 'الأماكن التي سجّلت الدخول فيها',
  'account.device': 'الجهاز',
  'account.signedIn': 'وقت تسجيل الدخول',
  'account.lastActive': 'آخر نشاط',
  'account.action': 'إجراء',
  'account.unknownDevice': 'جهاز غير معروف',
  'account.thisDevice': '(هذا الجهاز)',
  'account.signOutOf': 'تسجيل الخروج<hidden> من {device}</hidden>',
  'account.signOutEverywhere': 'تسجيل الخروج من كل الأماكن الأخرى',
  'account.changePassword': 'غيّر كلمة المرور',
  'account.data': 'بياناتك',
  'account.download': '<link>نزّل كل ما نحتفظ به عنك</link> (ملف بصيغة JSON).',
  'account.close': 'أغلق حسابك واحذف بياناتك الشخصية',
  'role.resident': 'مقيم',
  'role.case_worker': 'موظف معالجة الطلبات',
  'role.supervisor': 'مشرف',
  'role.department_admin': 'مسؤول إدارة',
  'role.system_admin': 'مسؤول النظام',
  'role.emergency_officer': 'مسؤول الطوارئ',
  'role.analyst': 'محلّل',

  'close.title': 'أغلق حسابك',
  'close.what': 'سنحذف عنوان بريدك الإلكتروني واسمك ورقم هاتفك من حسابك ومن المشكلات التي أبلغت عنها. أما البلاغات نفسها فتبقى، دون بياناتك، حتى يُستكمل العمل عليها.',
  'close.law': 'بعض الخدمات ملزمة قانونًا بالاحتفاظ ببيانات صاحب البلاغ مدةً من الزمن. في هذه الحالة نحتفظ بها ونخبرك بالسبب.',
  'close.final': 'لا يمكن التراجع عن هذا.',
  'close.button': 'أغلق حسابي واحذف بياناتي',
  'close.keep': 'أبقِ حسابي',
  'closed.title': 'أُغلق حسابك',
  'closed.text': 'أُغلق حسابك وسُجّل خروجك.',
  'closed.erased': 'حُذفت بياناتك من {count, plural, zero {# بلاغ} one {بلاغ واحد} two {بلاغين} few {# بلاغات} many {# بلاغًا} other {# بلاغ}}.',
  'closed.kept': 'بيانات يجب أن نحتفظ بها',
  'closed.keptItem': 'البلاغ {id}: {reason}',

  'password.changeTitle': 'غيّر كلمة المرور',
  'password.current': 'كلمة المرور الحالية',
  'password.new': 'كلمة المرور الجديدة',
  'password.changeHint': '8 أحرف على الأقل. بضع كلمات غير مألوفة معًا يسهل تذكّرها ويصعب تخمينها.',
  'password.changeButton': 'غيّر كلمة المرور',
  'password.changeNote': 'تغييرها يسجّل خروجك من كل الأماكن الأخرى.',
  'password.advice': 'استخدم 8 أحرف على الأقل. بضع كلمات غير مألوفة معًا تصنع كلمة مرور يسهل تذكّرها ويصعب تخمينها.',
  'password.save': 'احفظ كلمة المرور',
  'setPassword.title': 'اختر كلمة المرور',
  'setPassword.savedTitle': 'حُفظت كلمة المرور',
  'setPassword.saved': 'حُفظت كلمة المرور',
  'setPassword.signIn': 'تسجيل الدخول',

  'register.title': 'أنشئ حسابًا',
  'register.intro': 'لا تحتاج إلى حساب للإبلاغ عن مشكلة. لكن بالحساب يمكنك أن ترى المشكلات التي أبلغت عنها وأن تدير بياناتك.',
  'register.email': 'البريد الإلكتروني',
  'register.emailHint': 'سنرسل إليك رسالة بالبريد الإلكتروني لنتأكد من أنه بريدك.',
  'register.password': 'أنشئ كلمة مرور',
  'register.button': 'أنشئ الحساب',
  'register.already': 'لديك حساب بالفعل؟ <link>سجّل الدخول</link>',

  'askEmail.resetTitle': 'أعد تعيين كلمة المرور',
  'askEmail.linkTitle': 'سجّل الدخول برابط يُرسل إلى بريدك الإلكتروني',
  'askEmail.resetIntro': 'أدخل عنوان البريد الإلكتروني لحسابك. سنرسل إليك رابطًا لتختار كلمة مرور جديدة.',
  'askEmail.linkIntro': 'أدخل عنوان البريد الإلكتروني لحسابك. سنرسل إليك رابطًا يسجّل دخولك، فلا تحتاج إلى كلمة المرور.',
  'askEmail.linkWorks': 'يبقى الرابط صالحًا لمدة {duration}.',
  'askEmail.email': 'البريد الإلكتروني',
  'askEmail.send': 'أرسل الرابط',
  'askEmail.staff': 'يسجّل الموظفون الدخول بكلمة المرور وتطبيق المصادقة في <link>صفحة تسجيل الدخول</link>.',

  'checkEmail.title': 'تحقّق من بريدك الإلكتروني',
  'checkEmail.sent': 'أرسلنا رسالة إلى <strong>{email}</strong>.',
  'checkEmail.openToConfirm': 'افتح الرابط الذي فيها لتأكيد عنوان بريدك الإلكتروني. يبقى الرابط صالحًا لمدة {duration}.',
  'checkEmail.sentIfAccount': 'إذا كان هناك حساب للعنوان <strong>{email}</strong>، فقد أرسلنا إليه رسالة.',
  'checkEmail.openTo': 'افتح الرابط الذي فيها {purpose, select, reset_password {لتختار كلمة مرور جديدة} other {لتسجيل الدخول}}. يبقى الرابط صالحًا لمدة {duration}.',
  'checkEmail.spam': 'إذا لم تصل الرسالة بعد بضع دقائق، فتحقّق من مجلد البريد غير المرغوب فيه.',
  'checkEmail.signIn': 'اذهب إلى صفحة تسجيل الدخول',

  'confirm.verifyTitle': 'أكّد عنوان بريدك الإلكتروني',
  'confirm.verifyText': 'أكّد أن هذا عنوان بريدك الإلكتروني لتُكمل إنشاء حسابك.',
  'confirm.verifyButton': 'أكّد بريدي الإلكتروني',
  'confirm.signInTitle': 'تسجيل الدخول',
  'confirm.signInText': 'تابع لتسجيل الدخول إلى حسابك على هذا الجهاز.',
  'confirm.signInButton': 'تسجيل الدخول',

  'choose.title': 'اختر كلمة مرور جديدة',
  'choose.signedOut': 'عندما تحفظها، سيُسجَّل خروجك من كل الأجهزة.',

  'linkGone.title': 'انتهت صلاحية هذا الرابط',
  'linkGone.heading': 'انتهت صلاحية هذا الرابط أو سبق استخدامه',
  'linkGone.verifyDone': 'إذا كنت قد أكّدت عنوان بريدك الإلكتروني من قبل، فيمكنك <link>تسجيل الدخول</link>.',
  'linkGone.verifyAsk': 'وإن لم تكن قد أكّدته، <link>فاطلب رابطًا لتسجيل الدخول</link>: تسجيل الدخول به يؤكّد عنوان بريدك الإلكتروني أيضًا.',
  'linkGone.reset': 'يصلح كل رابط لمرة واحدة، لمدة {duration}. <link>اطلب رابطًا جديدًا</link>.',
  'linkGone.signIn': 'يصلح كل رابط لمرة واحدة، لمدة {duration}. <link>اطلب رابطًا جديدًا</link>، أو <password>سجّل الدخول بكلمة المرور</password>.',

  'done.verifiedTitle': 'تأكّد عنوان البريد الإلكتروني',
  'done.verified': 'تأكّد عنوان بريدك الإلكتروني',
  'done.verifiedText': 'شكرًا لك. حسابك جاهز.',
  'done.toAccount': 'اذهب إلى حسابك',
  'done.resetTitle': 'تغيّرت كلمة المرور',
  'done.reset': 'تغيّرت كلمة المرور',
  'done.resetText': 'سُجّل خروجك من كل الأجهزة. سجّل الدخول بكلمة المرور الجديدة.',
  'done.signIn': 'تسجيل الدخول',

  // ==== portal:home (keys 'home.*' or as documented; edit only your own sections) ====

  // ==== portal:catalogue (keys 'catalogue.*' or as documented; edit only your own sections) ====

  // ==== portal:places (keys 'places.*' or as documented; edit only your own sections) ====

  // ==== portal:info (keys 'info.*' or as documented; edit only your own sections) ====

  // ==== portal:report (keys 'report.*' or as documented; edit only your own sections) ====

  // ==== portal:media (keys 'media.*' or as documented; edit only your own sections) ====

  // ==== portal:offline (keys 'offline.*' or as documented; edit only your own sections) ====

  // ==== portal:track (keys 'track.*' or as documented; edit only your own sections) ====

  // ==== portal:reports (keys 'reports.*' or as documented; edit only your own sections) ====

  // ==== portal:account-cases (keys 'account-cases.*' or as documented; edit only your own sections) ====

  // ==== portal:feedback (keys 'feedback.*' or as documented; edit only your own sections) ====
};
