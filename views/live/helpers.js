// Rendering helpers shared by every part of the live element.
function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}
function button(text, cls, onclick, label) {
  const b = el("button", "sw-btn " + (cls || ""), text);
  b.type = "button";
  if (label) b.setAttribute("aria-label", label);
  b.onclick = onclick;
  return b;
}
let fieldSeq = 0;
function field(labelText, control, hint) {
  const id = "sw-f" + (++fieldSeq);
  const wrap = el("div", "sw-field");
  const label = el("label", "sw-label", labelText);
  label.htmlFor = id;
  control.id = id;
  wrap.append(label, control);
  if (hint) { const h = el("div", "sw-hint", hint); h.id = id + "-hint"; control.setAttribute("aria-describedby", h.id); wrap.appendChild(h); }
  return wrap;
}
function select(options, value) {
  const s = el("select", "sw-select");
  fillSelect(s, options, value);
  return s;
}
// options: [{value, text, group?}] — rebuilt only when they change, keeping the choice.
function fillSelect(s, options, value) {
  const sig = JSON.stringify(options);
  const keep = value !== undefined ? String(value) : s.value;
  if (s.__sig !== sig) {
    s.__sig = sig;
    s.innerHTML = "";
    const groups = {};
    for (const o of options) {
      const opt = el("option", null, o.text);
      opt.value = String(o.value);
      if (o.group) {
        if (!groups[o.group]) { groups[o.group] = el("optgroup"); groups[o.group].label = o.group; s.appendChild(groups[o.group]); }
        groups[o.group].appendChild(opt);
      } else s.appendChild(opt);
    }
  }
  if (keep !== "" && [...s.options].some((o) => o.value === keep)) s.value = keep;
}
function statusLine(cls) {
  const s = el("div", "sw-status " + (cls || ""));
  s.setAttribute("role", "status");
  s.setAttribute("aria-live", "polite");
  s.say = (text, bad) => {
    clearTimeout(s.fade);
    s.textContent = text || "";
    s.className = "sw-status " + (cls || "") + (text ? (bad ? " bad" : " ok") : "");
    if (text && !bad) s.fade = setTimeout(() => s.say(""), 8000); // a confirmation never goes stale
  };
  return s;
}
// Rebuild a list in place; the control that had focus (by its data-focus-key) gets it back.
function rebuild(node, fill) {
  const active = document.activeElement;
  const key = active && active.dataset ? active.dataset.focusKey : null;
  node.innerHTML = "";
  fill();
  if (key) { const again = node.querySelector('[data-focus-key="' + key + '"]'); if (again) again.focus(); }
}
// Put these children in this order, touching the DOM only if it differs (keeps focus and typing).
function arrange(node, children) {
  const now = [...node.children];
  if (now.length === children.length && now.every((c, i) => c === children[i])) return;
  for (const c of now) if (!children.includes(c)) c.remove();
  children.forEach((c, i) => { if (node.children[i] !== c) node.insertBefore(c, node.children[i] || null); });
}
// The element's words, in the language its page chose: `texts` (workshop/live/payload.py) maps each
// English message to its translation, and a plural's singular to its two forms. Every word a person
// reads goes through t() or tn(), which the catalogue tool extracts; "{name}" is filled from `values`.
let TEXTS = {};
let LANG = "en";
function setLanguage(lang, texts) { LANG = lang || "en"; TEXTS = texts || {}; }
function fill(text, values) {
  return values ? text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m)) : text;
}
function t(msgid, values) { return fill(typeof TEXTS[msgid] === "string" ? TEXTS[msgid] : msgid, values); }
function tn(one, many, n, values) {
  const forms = TEXTS[one];
  let form = n === 1 ? 0 : 1;
  try { form = new Intl.PluralRules(LANG).select(n) === "one" ? 0 : 1; } catch (e) { /* an unknown locale: English rule */ }
  const said = Array.isArray(forms) ? forms[Math.min(form, forms.length - 1)] : (form === 0 ? one : many);
  return fill(said, Object.assign({ n: num(n) }, values));
}
// A count as the language writes it ("1.234" in German).
function num(n) { try { return new Intl.NumberFormat(LANG).format(n); } catch (e) { return String(n); } }
function clock(seconds) {
  const over = seconds < 0;
  const total = over ? Math.floor(-seconds) : Math.ceil(seconds);
  const m = String(Math.floor(total / 60)).padStart(2, "0");
  const s = String(total % 60).padStart(2, "0");
  return (over ? "-" : "") + m + ":" + s;
}
function newId() { return Math.random().toString(36).slice(2) + Date.now().toString(36); }
function sleep(ms, waker) {
  return new Promise((r) => { const t = setTimeout(r, ms); if (waker) waker.wake = () => { clearTimeout(t); r(); }; });
}
