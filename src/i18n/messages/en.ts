/**
 * English: the reference language. Every other language has exactly these keys, with the same
 * ICU placeholders ({name}, {count, plural, ...}) and tags (<link>...</link>); a test checks.
 * Messages are ICU MessageFormat: a single quote before { or < escapes it, so use ’ for an
 * apostrophe where it could matter. Keep to plain language (GOV.UK style).
 *
 * `known.*` are sentences that other code (domain functions, the error handler) writes in
 * English: shown to a person, they are looked up by their English text and translated.
 */
export const en = {
  'frame.skipLink': 'Skip to main content',
  'frame.accountNav': 'Your account',
  'frame.staff': 'Staff workspace',
  'frame.admin': 'Administration',
  'frame.account': 'Your account',
  'frame.signIn': 'Sign in',
  'frame.signOut': 'Sign out',
  'frame.languageNav': 'Language',
  'frame.footer': '{council}, powered by Townhall',

  'home.title': 'Council services',
  'home.heading': '{council}: council services',
  'home.intro': 'Report a problem, follow what happens to it, and manage your account.',
  'home.signIn': '<signIn>Sign in</signIn> or <register>create an account</register>',
  'home.developers': 'For developers: the Open311 API',

  'form.problem': 'There is a problem',
  'form.errorPrefix': 'Error:',

  'duration.minutes': '{count, plural, one {# minute} other {# minutes}}',
  'duration.hours': '{count, plural, one {# hour} other {# hours}}',
  'duration.days': '{count, plural, one {# day} other {# days}}',

  'error.title.400': 'There is a problem with what was sent',
  'error.title.401': 'You need to sign in',
  'error.title.403': 'You cannot do this',
  'error.title.404': 'Page not found',
  'error.title.409': 'This has changed',
  'error.title.413': 'What you sent is too large',
  'error.title.429': 'Too many attempts',
  'error.title.500': 'Sorry, there is a problem with the service',
  'error.title.503': 'Sorry, the service is unavailable',
  'error.title.other': 'Something went wrong',
  'error.home': 'Go to the home page',

  'known.notFound': 'If you typed the web address, check it is correct. If you pasted it, check you copied the whole address.',
  'known.serverError': 'Something went wrong on our side and nothing was changed. Please try again later.',
  'known.tooMany': 'You have tried too many times. Wait a few minutes, then try again.',
  'known.noAccess': 'You do not have access to this page. If you need it for your work, ask your administrator.',
  'known.otherSite': 'This form was sent from another website, so it was refused. Go back to the page, reload it and try again.',
  'known.formExpired': 'This form has expired or did not come from this site, so nothing was changed. Go back, reload the page and try again.',
  'known.linkNotUsable': 'This link has expired or has already been used.',
  'known.enterEmail': 'Enter your email address',
  'known.emailFormat': 'Enter an email address in the correct format, like name@example.com',
  'known.enterNewPassword': 'Enter a new password',
  'known.passwordShort': 'Use at least 8 characters; a few unusual words together make a strong password.',
  'known.passwordLong': 'Use at most 256 characters.',
  'known.passwordCommon': 'That password is one of the most common ones, so it is easy to guess. Choose another.',
  'known.passwordIsEmail': 'Do not use your email address as your password.',
  'known.noPasswordYet': 'Your account has no password yet: use "I have forgotten my password" on the sign-in page to choose one.',
  'known.currentWrong': 'Your current password is not right.',
  'known.linkAskNew': 'This link has expired or has already been used. Ask for a new one.',
  'known.accountDisabled': 'This account is disabled. Ask your administrator.',

  'signIn.title': 'Sign in',
  'signIn.email': 'Email address',
  'signIn.password': 'Password',
  'signIn.button': 'Sign in',
  'signIn.forgotten': 'I have forgotten my password',
  'signIn.emailLink': '<link>Sign in with a link sent to your email</link> (residents)',
  'signIn.register': '<link>Create an account</link>. You can also report a problem without one.',
  'signIn.orWith': 'Or sign in with',
  'signIn.staffProvider': '{name} (staff)',
  'signIn.enterEmail': 'Enter your email address',
  'signIn.enterPassword': 'Enter your password',
  'signIn.locked': 'Too many wrong attempts. For your security, wait {minutes, plural, one {# minute} other {# minutes}}, then try again.',
  'signIn.wrong': 'Enter a correct email address and password. Both may be case-sensitive.',

  'secondFactor.setUpTitle': 'Set up your authenticator app',
  'secondFactor.setUpIntro': "Staff accounts need a second step at sign-in. Use an authenticator app on your phone, for example one from your council's IT team.",
  'secondFactor.step1': 'In the app, choose to add an account and scan this QR code.',
  'secondFactor.step2': 'Then enter the 6-digit code the app shows.',
  'secondFactor.qrLabel': 'QR code for your authenticator app',
  'secondFactor.cannotScan': 'I cannot scan the code',
  'secondFactor.enterKey': 'Enter this key in the app instead:',
  'secondFactor.openAddress': 'Or open this address on your phone:',
  'secondFactor.enterTitle': 'Enter your code',
  'secondFactor.enterIntro': 'Open your authenticator app and enter the 6-digit code it shows for this council. If you have lost your phone, enter one of your recovery codes.',
  'secondFactor.codeFromApp': 'Code from the app',
  'secondFactor.code': 'Code',
  'secondFactor.codeHint': 'For example 123456, or a recovery code like abcde-fghjk',
  'secondFactor.continue': 'Continue',
  'secondFactor.enterCode': 'Enter the code from your authenticator app',
  'secondFactor.wrongSetUp': 'That code did not work. Check the time on your phone is right and enter the newest code.',
  'secondFactor.wrong': 'That code did not work. Enter the newest code from your app, or a recovery code.',
  'secondFactor.lockedTitle': 'Too many attempts',
  'secondFactor.locked': 'For your security, wait {minutes, plural, one {# minute} other {# minutes}}, then sign in again.',
  'recovery.title': 'Your recovery codes',
  'recovery.notice': 'Keep these codes somewhere safe, such as a password manager. Each one works once, if you lose your authenticator app. We will not show them again.',
  'recovery.continue': 'I have saved my codes, continue',
  'signOut.title': 'You are signed out',
  'signOut.again': 'Sign in again',

  'oidc.unavailable': 'Single sign-on is not answering',
  'oidc.refused': 'You are not signed in',
  'oidc.back': 'Go back to the sign-in page',

  'account.title': 'Your account',
  'account.passwordChanged': 'Your password is changed, and you are signed out everywhere else.',
  'account.ended': 'Signed out of {count, plural, one {one other session} other {# other sessions}}.',
  'account.email': 'Email address',
  'account.notConfirmed': '(not confirmed yet: use the link we emailed you)',
  'account.type': 'Account type',
  'account.department': 'Department',
  'account.authenticator': 'Authenticator app',
  'account.authenticatorSetUp': 'Set up',
  'account.authenticatorNotSetUp': 'Not set up yet',
  'account.created': 'Account created',
  'account.reports': 'Your reports',
  'account.reportsConfirmFirst': 'Confirm your email address, with the link we emailed you, to see the reports made with it.',
  'account.reportsNone': 'You have not reported anything with this email address.',
  'account.reportsCaption': 'Problems you reported, newest first',
  'account.reference': 'Reference',
  'account.service': 'Service',
  'account.reported': 'Reported',
  'account.sessions': 'Where you are signed in',
  'account.device': 'Device',
  'account.signedIn': 'Signed in',
  'account.lastActive': 'Last active',
  'account.action': 'Action',
  'account.unknownDevice': 'Unknown device',
  'account.thisDevice': '(this device)',
  'account.signOutOf': 'Sign out<hidden> of {device}</hidden>',
  'account.signOutEverywhere': 'Sign out everywhere else',
  'account.changePassword': 'Change your password',
  'account.data': 'Your data',
  'account.download': '<link>Download everything we hold about you</link> (a JSON file).',
  'account.close': 'Close your account and delete your personal data',
  'role.resident': 'Resident',
  'role.case_worker': 'Case worker',
  'role.supervisor': 'Supervisor',
  'role.department_admin': 'Department administrator',
  'role.system_admin': 'System administrator',
  'role.emergency_officer': 'Emergency officer',
  'role.analyst': 'Analyst',

  'close.title': 'Close your account',
  'close.what': 'We will delete your email address, name and phone number from your account and from the problems you reported. The reports themselves stay, without your details, so the work can be finished.',
  'close.law': "Some services must keep the reporter's details by law for a time. Where that applies we keep them and tell you why.",
  'close.final': 'This cannot be undone.',
  'close.button': 'Close my account and delete my details',
  'close.keep': 'Keep my account',
  'closed.title': 'Your account is closed',
  'closed.text': 'Your account is closed and you are signed out.',
  'closed.erased': 'Your details were removed from {count, plural, one {# report} other {# reports}}.',
  'closed.kept': 'Details we must keep',
  'closed.keptItem': 'Report {id}: {reason}',

  'password.changeTitle': 'Change your password',
  'password.current': 'Current password',
  'password.new': 'New password',
  'password.changeHint': 'At least 8 characters. A few unusual words together are easy to remember and hard to guess.',
  'password.changeButton': 'Change password',
  'password.changeNote': 'Changing it signs you out everywhere else.',
  'password.advice': 'Use at least 8 characters. A few unusual words together make a password that is easy to remember and hard to guess.',
  'password.save': 'Save password',
  'setPassword.title': 'Choose your password',
  'setPassword.savedTitle': 'Password saved',
  'setPassword.saved': 'Your password is saved',
  'setPassword.signIn': 'Sign in',

  'register.title': 'Create an account',
  'register.intro': 'You do not need an account to report a problem. With one, you can see the problems you reported and manage your details.',
  'register.email': 'Email address',
  'register.emailHint': 'We will send you an email to confirm it is yours.',
  'register.password': 'Create a password',
  'register.button': 'Create account',
  'register.already': 'Already have an account? <link>Sign in</link>',

  'askEmail.resetTitle': 'Reset your password',
  'askEmail.linkTitle': 'Sign in with a link sent to your email',
  'askEmail.resetIntro': 'Enter the email address of your account. We will email you a link to choose a new password.',
  'askEmail.linkIntro': 'Enter the email address of your account. We will email you a link that signs you in, so you do not need your password.',
  'askEmail.linkWorks': 'The link works for {duration}.',
  'askEmail.email': 'Email address',
  'askEmail.send': 'Send the link',
  'askEmail.staff': 'Staff sign in with their password and authenticator app on the <link>sign-in page</link>.',

  'checkEmail.title': 'Check your email',
  'checkEmail.sent': 'We have sent an email to <strong>{email}</strong>.',
  'checkEmail.openToConfirm': 'Open the link in it to confirm your email address. The link works for {duration}.',
  'checkEmail.sentIfAccount': 'If there is an account for <strong>{email}</strong>, we have sent an email to it.',
  'checkEmail.openTo': 'Open the link in it to {purpose, select, reset_password {choose a new password} other {sign in}}. The link works for {duration}.',
  'checkEmail.spam': 'If the email has not arrived after a few minutes, check your spam or junk folder.',
  'checkEmail.signIn': 'Go to the sign-in page',

  'confirm.verifyTitle': 'Confirm your email address',
  'confirm.verifyText': 'Confirm that this is your email address to finish creating your account.',
  'confirm.verifyButton': 'Confirm my email address',
  'confirm.signInTitle': 'Sign in',
  'confirm.signInText': 'Continue to sign in to your account on this device.',
  'confirm.signInButton': 'Sign in',

  'choose.title': 'Choose a new password',
  'choose.signedOut': 'When you save it, you will be signed out on every device.',

  'linkGone.title': 'This link has expired',
  'linkGone.heading': 'This link has expired or has already been used',
  'linkGone.verifyDone': 'If you have already confirmed your email address, you can <link>sign in</link>.',
  'linkGone.verifyAsk': 'If not, <link>ask for a sign-in link</link>: signing in with it confirms your email address too.',
  'linkGone.reset': 'Each link works once, for {duration}. <link>Ask for a new link</link>.',
  'linkGone.signIn': 'Each link works once, for {duration}. <link>Ask for a new link</link>, or <password>sign in with your password</password>.',

  'done.verifiedTitle': 'Email address confirmed',
  'done.verified': 'Your email address is confirmed',
  'done.verifiedText': 'Thank you. Your account is ready.',
  'done.toAccount': 'Go to your account',
  'done.resetTitle': 'Password changed',
  'done.reset': 'Your password has been changed',
  'done.resetText': 'You have been signed out on every device. Sign in with your new password.',
  'done.signIn': 'Sign in',

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
} as const;

export type MessageKey = keyof typeof en;
/** What every other language's file must be: the same keys, each a message. */
export type Messages = Record<MessageKey, string>;
