// tests/browser/login.mjs - drive headless Chromium over the DevTools
// protocol: log in through the real login form, then write a post through
// the real new-post form, as a person would (typing into the inputs and
// clicking the buttons).  Node's own modules only: the WebSocket is
// Node 20's experimental global (run with --experimental-websocket).
//
// Usage: node --experimental-websocket login.mjs DEVTOOLS_PORT BASE_URL
//        USER PASSWORD TAG
// Prints one line per check ("ok ..." / "FAIL ...") and exits 1 on a
// failure.  Every wait is bounded.
const [port, base, user, password, tag] = process.argv.slice(2);
let failed = 0;
const ok = (m) => console.log(`ok   ${m}`);
const bad = (m) => { failed++; console.log(`FAIL ${m}`); };
const deadline = setTimeout(() => { bad('finished within 60 s'); process.exit(1); }, 60000);

async function pageSocket() {
	for (let i = 0; i < 50; i++) {
		try {
			const list = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
			const page = list.find((t) => t.type === 'page');
			if (page) return page.webSocketDebuggerUrl;
		} catch (e) { /* not up yet */ }
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error('no DevTools page target');
}

const ws = new WebSocket(await pageSocket());
await new Promise((res, rej) => { ws.onopen = res; ws.onerror = rej; });
let nextId = 1;
const pending = new Map();
const waiters = [];
ws.onmessage = (ev) => {
	const msg = JSON.parse(ev.data);
	if (msg.id && pending.has(msg.id)) {
		pending.get(msg.id)(msg);
		pending.delete(msg.id);
	} else if (msg.method) {
		for (const w of waiters.splice(0)) w(msg);
	}
};
function send(method, params = {}) {
	const id = nextId++;
	ws.send(JSON.stringify({ id, method, params }));
	return new Promise((res) => pending.set(id, res));
}
function loaded(ms = 15000) {
	return new Promise((res, rej) => {
		const t = setTimeout(() => rej(new Error('page load timed out')), ms);
		const hook = (msg) => {
			if (msg.method === 'Page.loadEventFired') { clearTimeout(t); res(); }
			else waiters.push(hook);
		};
		waiters.push(hook);
	});
}
async function evaluate(expr) {
	const r = await send('Runtime.evaluate', { expression: expr, returnByValue: true, awaitPromise: true });
	return r.result && r.result.result ? r.result.result.value : undefined;
}
async function go(url) {
	const l = loaded();
	await send('Page.navigate', { url });
	await l;
}
// Type into an input as a user would (focus, then insertText).
async function type(selector, text) {
	await evaluate(`(() => { const e = document.querySelector(${JSON.stringify(selector)}); e.focus(); e.value = ''; return !!e; })()`);
	await send('Input.insertText', { text });
}
async function click(selector) {
	const l = loaded();
	const box = await evaluate(`(() => { const e = document.querySelector(${JSON.stringify(selector)}); e.scrollIntoView({ block: 'center' }); const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()`);
	for (const type of ['mousePressed', 'mouseReleased'])
		await send('Input.dispatchMouseEvent', { type, x: box[0], y: box[1], button: 'left', clickCount: 1 });
	await l;
}

try {
	await send('Page.enable');
	await go(`${base}/accounts/login/`);
	(await evaluate('!!document.querySelector("input[name=csrfmiddlewaretoken]")'))
		? ok('the login form carries a CSRF token') : bad('the login form carries a CSRF token');
	await type('#id_username', user);
	await type('#id_password', password);
	await click('#login-submit');
	const home = await evaluate('location.pathname');
	home === '/' ? ok('logging in lands on the home page') : bad(`logging in lands on the home page (at ${home})`);
	(await evaluate(`document.body.innerText.includes('Log out ${user}')`))
		? ok('the page shows the logged-in user') : bad('the page shows the logged-in user');
	(await evaluate('document.cookie.includes("sessionid")'))
		? bad('sessionid is hidden from JavaScript (HttpOnly)') : ok('sessionid is hidden from JavaScript (HttpOnly)');

	await go(`${base}/posts/new/`);
	await type('#id_title', `Browser ${tag} <b>&</b>`);
	await type('#id_slug', `browser-${tag}`);
	await type('#id_body', 'Written by headless Chromium.');
	await click('#post-submit');
	const path = await evaluate('location.pathname');
	/^\/posts\/\d+\/$/.test(path) ? ok(`the new post's page (${path})`) : bad(`the new post's page (at ${path})`);
	const title = await evaluate('document.querySelector("article h1") && document.querySelector("article h1").textContent');
	title === `Browser ${tag} <b>&</b>` ? ok('the title shows as typed, as text') : bad(`the title shows as typed (got ${title})`);
	(await evaluate('document.body.innerText.includes("Your post was published.")'))
		? ok('the flash message shows') : bad('the flash message shows');
	await go(`${base}${path}`);
	(await evaluate('document.body.innerText.includes("Your post was published.")'))
		? bad('the flash message shows only once') : ok('the flash message shows only once');
} catch (e) {
	bad(`browser session: ${e.message}`);
}
clearTimeout(deadline);
ws.close();
process.exit(failed ? 1 : 0);
