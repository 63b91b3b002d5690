// tests/browser/admin.mjs - the admin site in headless Chromium over the
// DevTools protocol, as staff use it: log in through the admin's login
// form, add a post through the add form, change it, delete it through
// the confirmation page, and save a screenshot of the post change list
// (the test's artifact).  Node's own modules only (run with
// --experimental-websocket).
//
// Usage: node --experimental-websocket admin.mjs DEVTOOLS_PORT BASE_URL
//        USER PASSWORD TAG SCREENSHOT
// Prints one line per check ("ok ..." / "FAIL ...") and exits 1 on a
// failure.  Every wait is bounded.
import { writeFileSync } from 'node:fs';

const [port, base, user, password, tag, shot] = process.argv.slice(2);
let failed = 0;
const ok = (m) => console.log(`ok   ${m}`);
const bad = (m) => { failed++; console.log(`FAIL ${m}`); };
const expect = (cond, m) => (cond ? ok(m) : bad(m));
const deadline = setTimeout(() => { bad('finished within 60 s'); process.exit(1); }, 60000);

async function pageSocket() {
	for (let i = 0; i < 50; i++) {
		try {
			const list = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
			const page = list.find((t) => t.type === 'page');
			if (page) return page.webSocketDebuggerUrl;
		} catch (e) { /* the browser is still starting */ }
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error('no DevTools page target');
}

const ws = new WebSocket(await pageSocket());
await new Promise((res, rej) => { ws.onopen = res; ws.onerror = rej; });
let seq = 1;
const replies = new Map();
const listeners = [];
ws.onmessage = (ev) => {
	const msg = JSON.parse(ev.data);
	if (msg.id && replies.has(msg.id)) {
		replies.get(msg.id)(msg);
		replies.delete(msg.id);
	} else if (msg.method) {
		for (const l of listeners.splice(0)) l(msg);
	}
};
function send(method, params = {}) {
	const id = seq++;
	ws.send(JSON.stringify({ id, method, params }));
	return new Promise((res) => replies.set(id, res));
}
function pageLoad(ms = 15000) {
	return new Promise((res, rej) => {
		const t = setTimeout(() => rej(new Error('page load timed out')), ms);
		const on = (msg) => {
			if (msg.method === 'Page.loadEventFired') { clearTimeout(t); res(); }
			else listeners.push(on);
		};
		listeners.push(on);
	});
}
async function js(expr) {
	const r = await send('Runtime.evaluate', { expression: expr, returnByValue: true, awaitPromise: true });
	return r.result && r.result.result ? r.result.result.value : undefined;
}
async function open(url) {
	const l = pageLoad();
	await send('Page.navigate', { url });
	await l;
}
async function fill(selector, text) {
	await js(`(() => { const e = document.querySelector(${JSON.stringify(selector)}); e.focus(); e.value = ''; })()`);
	await send('Input.insertText', { text });
}
// Click the element as a mouse would, and wait for the page it loads.
async function press(selector) {
	const l = pageLoad();
	const at = await js(`(() => { const e = document.querySelector(${JSON.stringify(selector)}); e.scrollIntoView({ block: 'center' }); const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()`);
	for (const type of ['mousePressed', 'mouseReleased'])
		await send('Input.dispatchMouseEvent', { type, x: at[0], y: at[1], button: 'left', clickCount: 1 });
	await l;
}
const text = () => js('document.body.innerText');
const path = () => js('location.pathname');
const step = (m) => { if (process.env.ADMIN_TRACE) console.log(`# ${m}`); };

try {
	await send('Page.enable');
	await send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false });
	await open(`${base}/admin/`);
	expect((await path()) === '/admin/login/', 'the admin sends a visitor to its login page');
	await fill('#id_username', user);
	await fill('#id_password', password);
	await press('button[type=submit]');
	expect((await path()) === '/admin/', `logging in lands on the admin index (at ${await path()})`);
	expect((await text()).includes('Blog administration'), 'the index shows the site title');

	const list = `${base}/admin/blog/post/`;
	step('add form');
	await open(`${list}add/`);
	await fill('#id_title', `Admin ${tag} <b>&</b>`);
	await fill('#id_slug', `admin-${tag}`);
	await fill('#id_body', 'Written through the admin by headless Chromium.');
	await fill('#id_author_name', 'Chromium');
	// a datetime-local input takes no typed text: set it as its picker would
	await js('document.querySelector("#id_created").value = "2026-12-07T12:00"');
	step(`save and continue; invalid: ${await js('[...document.querySelectorAll("form :invalid")].map((e) => e.name + "=" + e.type).join(" ")')}`);
	await press('button[name=_continue]');
	const change = await path();
	expect(/^\/admin\/blog\/post\/\d+\/change\/$/.test(change), `save and continue opens the change page (${change})`);
	expect((await text()).includes('was added successfully'), 'the add leaves a flash message');
	expect((await js('document.querySelector("#id_title").value')) === `Admin ${tag} <b>&</b>`, 'the title reads back as typed');

	step('edit');
	await fill('#id_title', `Edited ${tag}`);
	await press('button[name=_save]');
	expect((await path()) === '/admin/blog/post/', 'save goes back to the list');
	expect((await text()).includes(`Edited ${tag}`) && (await text()).includes('was changed successfully'), 'the list shows the change and its message');

	await send('Page.captureScreenshot', { format: 'png' }).then((r) => {
		if (r.result && r.result.data) { writeFileSync(shot, Buffer.from(r.result.data, 'base64')); ok(`screenshot of the change list saved (${shot})`); }
		else bad('screenshot of the change list saved');
	});

	await open(`${base}${change}`);
	await press('a.btn.danger');
	expect((await text()).includes('Are you sure'), 'delete opens the confirmation page');
	await press('button.btn.danger');
	expect((await path()) === '/admin/blog/post/', 'confirming goes back to the list');
	expect((await text()).includes('was deleted successfully'), 'the delete leaves a flash message');
	expect(!(await js(`!!document.querySelector('a[href="${change}"]')`)), 'the post is no longer in the list');
} catch (e) {
	bad(`browser session: ${e.message}`);
}
clearTimeout(deadline);
ws.close();
process.exit(failed ? 1 : 0);
