import { launchBrowser, axeViolations } from './browser.js';
const b = await launchBrowser();
const c = await b.newContext({ javaScriptEnabled: false, bypassCSP: true });
const p = await c.newPage();
await p.setContent('<html lang="en"><head><title>x</title></head><body><main><h1>Hi</h1><img src="x.png"></main><script>document.title="js ran"</script></body></html>');
console.log('title', await p.title());
try { console.log(await axeViolations(p)); } catch (e) { console.log('axe failed', (e as Error).message.slice(0,200)); }
await b.close();
