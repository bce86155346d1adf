// The live element: one screen that follows the room over /api/live without page reruns.
// Core: the element's entry, shared rendering helpers, the network, drafts, header and
// polling. Each step's participant view lives in live_steps.js (STEP_VIEWS, in the order of the
// vocabulary's steps). Everything user-written is placed with textContent, never as HTML.
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement;
  if (root.__live) root.__live.update(data);
  else root.__live = makeLive(root, data, setTriggerValue);
  // Stop polling once the element has really left the page (not on a mere re-render),
  // so a page the user navigated away from never reruns the page they are on.
  return () => setTimeout(() => {
    if (!root.isConnected && root.__live) { root.__live.stop(); root.__live = null; }
  }, 0);
}

// --- rendering helpers -------------------------------------------------------------------
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
function plural(n, one, many) { return n + " " + (n === 1 ? one : (many || one + "s")); }
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

// --- the element -------------------------------------------------------------------------
// The parts below share one object, `live`: the settings, the room's state, my own view, the
// frame's nodes and the polling flags. Step views get `live.ctx` (see stepContext).
function makeLive(root, initial, setTriggerValue) {
  const live = liveContext(root, initial, setTriggerValue);
  live.timerId = setInterval(() => tick(live), 250);
  paint(live);
  if (live.participant) { refreshMine(live); metaLoop(live); }
  if (live.cfg.role === "projector" || live.cfg.role === "facilitator") presenceLoop(live);
  stateLoop(live);

  return {
    update(next) {
      const stepMoved = next.step_key !== live.cfg.step_key;
      live.cfg = next;
      if (next.state && (!live.state || next.state.version >= live.state.version)) live.state = next.state;
      live.offset = next.server_now - Date.now() / 1000;
      if (stepMoved) stepChanged(live);
      paint(live);
    },
    stop: () => stop(live),
  };
}
function liveContext(root, cfg, setTriggerValue) {
  const state = cfg.state;
  const live = {
    root, setTriggerValue, cfg, state,
    offset: cfg.server_now - Date.now() / 1000,
    stopped: false, lastTrigger: 0, pending: null, timerId: null,
    vocab: cfg.vocabulary,
    base: cfg.base || "",
    participant: cfg.role === "participant",
    clientId: newId(),
    me: { votes: {}, votes_left: state ? state.vote_budget : 0, refunded: 0, scores: {}, picks: {}, volunteered: [] },
    refundSeen: null,
    connected: null,
    waker: {},
    view: null, viewKey: null,
  };
  live.dom = frame(root, cfg, live.participant);
  live.store = draftStore(cfg);
  live.ctx = stepContext(live);
  return live;
}

// The header (step and clock), the banner, the progress line (not on phones) and the view's host.
function frame(root, cfg, participant) {
  const wrap = el("div", "sw sw-" + cfg.role);
  wrap.setAttribute("data-testid", "live-" + cfg.role);
  root.appendChild(wrap);
  const header = el("div", "sw-head");
  const stepEl = el("div", "sw-step");
  stepEl.setAttribute("data-testid", "live-step");
  const clockEl = el("div", "sw-clock");
  clockEl.setAttribute("data-testid", "live-clock");
  clockEl.setAttribute("role", "timer");
  clockEl.setAttribute("aria-label", "Time left in this step");
  header.append(stepEl, clockEl);
  const countEl = el("div", "sw-progress");
  countEl.setAttribute("data-testid", "live-progress");
  const banner = el("div", "sw-banner");
  banner.setAttribute("role", "status");
  wrap.append(header, banner);
  if (!participant) wrap.appendChild(countEl);
  const host = el("div", "sw-host");
  wrap.appendChild(host);
  return { wrap, stepEl, clockEl, countEl, banner, host };
}

// --- drafts: unsent input survives a refresh and is sent exactly once ----------------------
function draftStore(cfg) {
  const draftKey = "sw-draft:" + cfg.code + ":" + (cfg.token || "anon");
  let drafts = {};
  try { drafts = JSON.parse(localStorage.getItem(draftKey) || "{}") || {}; } catch (e) { drafts = {}; }
  return {
    get(name) { return drafts[name] || {}; },
    set(name, value) { drafts[name] = value; try { localStorage.setItem(draftKey, JSON.stringify(drafts)); } catch (e) {} },
    clear(name) { delete drafts[name]; try { localStorage.setItem(draftKey, JSON.stringify(drafts)); } catch (e) {} },
  };
}

// --- network -------------------------------------------------------------------------------
async function post(live, path, body) {
  let resp;
  try {
    resp = await fetch(live.base + "/api/live/" + live.cfg.code + "/" + path, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(Object.assign({ token: live.cfg.token }, body)),
    });
  } catch (e) {
    return { ok: false, offline: true, error: "Connection lost: what you typed is kept and will not be sent twice. Try again." };
  }
  let json = {};
  try { json = await resp.json(); } catch (e) { json = { error: "The server answered " + resp.status + "." }; }
  json.ok = resp.ok;
  if (resp.ok && json.me) setMe(live, json.me);
  if (resp.ok && path !== "me" && live.waker.wake) live.waker.wake(); // see the room with my write in it at once
  return json;
}
// Send one form's input exactly once: the client id is stored with the draft before sending.
async function send(live, path, draftName, body, withClientId) {
  const store = live.store;
  const d = store.get(draftName);
  if (withClientId && !d.client_id) { d.client_id = newId(); store.set(draftName, d); }
  const r = await post(live, path, withClientId ? Object.assign({ client_id: d.client_id }, body) : body);
  if (r.ok) store.clear(draftName);
  else if (!r.offline && withClientId) { const k = store.get(draftName); delete k.client_id; store.set(draftName, k); }
  return r;
}
function setMe(live, next) {
  const refundedNow = next.refunded || 0;
  const seen = live.refundSeen;
  if (seen !== null && refundedNow > seen) {
    live.ctx.notice = plural(refundedNow - seen, "vote") + " of yours sat on a note the facilitator hid as noise: " +
      (refundedNow - seen === 1 ? "it is" : "they are") + " back in your budget.";
  }
  live.refundSeen = refundedNow;
  live.me = next;
  paint(live);
}
async function refreshMine(live) {
  if (!live.participant || !live.cfg.token) return;
  await post(live, "me", {});
}

// --- what step views get -------------------------------------------------------------------
function stepContext(live) {
  const vocab = live.vocab;
  return {
    vocab, store: live.store, el, button, field, select, fillSelect, statusLine, plural, rebuild, arrange,
    post: (path, body) => post(live, path, body),
    send: (path, draftName, body, withClientId) => send(live, path, draftName, body, withClientId),
    get state() { return live.state; }, get me() { return live.me; }, get cfg() { return live.cfg; },
    notice: "",
    open() { return live.state && !live.state.locked && !live.state.ended; },
    bottleneck(id) {
      const board = live.state.board;
      for (const key of Object.keys(board)) for (const b of board[key]) if (b.id === id) return b;
      return null;
    },
    ranked() { // every note on the board, most votes first
      const all = [];
      for (const d of vocab.dimensions) for (const b of live.state.board[d.key] || []) all.push(Object.assign({ dimension: d.key }, b));
      return all.sort((a, b) => b.votes - a.votes || a.id - b.id);
    },
    dimension(key) { return vocab.dimensions.find((d) => d.key === key) || { title: key }; },
    outcome(key) { return vocab.outcomes.find((o) => o.key === key) || { title: key }; },
    choice(key) { return vocab.choices.find((c) => c.key === key) || { title: key }; },
    initiative(id) { return live.state.initiatives.find((i) => i.id === id) || null; },
    repaint: () => paint(live),
  };
}

// --- painting ------------------------------------------------------------------------------
function paintHeader(live) {
  const state = live.state;
  if (!state) return;
  const { stepEl, banner, countEl } = live.dom;
  stepEl.textContent = state.ended ? "Workshop ended" : "Step " + state.step.number + " of " + state.step.of + " · " + state.step.title;
  let note = "";
  if (state.ended) note = live.participant ? "" : "The workshop has ended."; // the phone's closing view says it
  else if (state.locked) note = "Input is locked by the facilitator for the moment.";
  banner.textContent = note;
  banner.style.display = note ? "block" : "none";
  const p = state.progress;
  if (p) countEl.textContent = (live.connected !== null ? live.connected + " connected · " : "") +
    p.acted + " of " + plural(p.people, "participant") + " " + p.label;
  tick(live);
}
function tick(live) {
  const state = live.state;
  if (!state) return;
  const clockEl = live.dom.clockEl;
  const t = state.timer;
  const now = Date.now() / 1000 + live.offset;
  let left = t.remaining;
  if (t.state === "running" && t.deadline) left = t.deadline - now;
  if (t.state === "done" || state.ended) left = 0;
  let label = clock(left);
  if (state.ended) label = "Ended";
  else if (t.state === "paused") label += " paused";
  else if (t.state === "pending") label += " not started";
  clockEl.textContent = label;
  clockEl.classList.toggle("over", left < 0);
  clockEl.setAttribute("data-seconds", String(Math.round(left)));
  clockEl.setAttribute("data-state", t.state);
}
function paint(live) {
  paintHeader(live);
  if (!live.state) return;
  const participant = live.participant;
  const key = participant ? (live.state.ended ? "closed" : live.state.step.key) : (live.cfg.board ? "board" : "none");
  if (key !== live.viewKey) {
    if (live.view && live.view.destroy) live.view.destroy();
    live.dom.host.innerHTML = "";
    live.viewKey = key;
    live.view = key === "none" ? null : (participant ? stepView(live.ctx, key) : boardView)(live.ctx);
    if (live.view) live.dom.host.appendChild(live.view.el);
    if (participant) { live.dom.wrap.setAttribute("data-step", key); }
  }
  if (live.view) live.view.update();
}

// --- polling -------------------------------------------------------------------------------
function accept(live, next) {
  const state = live.state;
  const ending = Boolean(state) && next.ended !== state.ended;
  const moderated = state && next.moderation !== state.moderation;
  live.state = next;
  paint(live);
  if (moderated) refreshMine(live);
  stepChanged(live);
  // The console and the projector redraw their own content when the room's data moves (at most
  // every 3 s), and at once when the workshop ends or reopens.
  const cfg = live.cfg;
  if (!live.participant && (cfg.role === "facilitator" || cfg.follow || ending)) maybeRerun(live, "version", next.version, ending ? 0 : 3000);
}
async function getJson(live, path) {
  const resp = await fetch(live.base + "/api/live/" + live.cfg.code + path, { cache: "no-store" });
  const serverNow = parseFloat(resp.headers.get("X-Server-Now") || "");
  if (!isNaN(serverNow)) live.offset = serverNow - Date.now() / 1000;
  if (!resp.ok) throw new Error("status " + resp.status);
  return resp.json();
}
async function stateLoop(live) {
  let failures = 0;
  while (!live.stopped) {
    if (!live.root.isConnected) { stop(live); break; }
    try {
      const next = await getJson(live, "?since=" + (live.state ? live.state.version : -1) + "&wait=25&client=" + live.clientId);
      failures = 0;
      if (!live.state || next.version !== live.state.version) accept(live, next);
      if (live.cfg.min_interval) await sleep(live.cfg.min_interval, live.waker);
    } catch (e) {
      failures += 1;
      await sleep(Math.min(10000, 500 * failures));
    }
  }
}
// Phones throttle the full state; this small long-poll wakes them at once when the step moves.
async function metaLoop(live) {
  let since = -1;
  let failures = 0;
  while (!live.stopped) {
    if (!live.root.isConnected) { stop(live); break; }
    try {
      const m = await getJson(live, "/meta?since=" + since + "&wait=25&client=" + live.clientId);
      failures = 0;
      if (m.version !== since) { since = m.version; acceptMeta(live, m); }
    } catch (e) {
      failures += 1;
      await sleep(Math.min(10000, 500 * failures));
    }
  }
}
function acceptMeta(live, m) {
  const state = live.state;
  if (state && (m.step.key !== state.step.key || m.ended !== state.ended || m.locked !== state.locked ||
                JSON.stringify(m.timer) !== JSON.stringify(state.timer))) {
    live.state = Object.assign({}, state, { step: m.step, timer: m.timer, locked: m.locked, ended: m.ended });
    paintHeader(live);
    if (live.waker.wake) live.waker.wake();
  }
}
async function presenceLoop(live) {
  while (!live.stopped) {
    try { live.connected = (await getJson(live, "/presence")).connected; paintHeader(live); } catch (e) {}
    await sleep(5000);
  }
}
function stepChanged(live) {
  if (!live.participant && live.state && live.state.step.key !== live.cfg.step_key) maybeRerun(live, "step", live.state.step.key, 0);
}
// Rerun the page at most once per `gap` ms; a change inside the gap is not lost but
// replayed when the gap ends, so the last update always reaches the screen.
function maybeRerun(live, name, value, gap) {
  if (live.stopped || !live.root.isConnected) return;
  const wait = live.lastTrigger + gap - Date.now();
  if (wait > 0) {
    if (live.pending) clearTimeout(live.pending);
    live.pending = setTimeout(() => {
      live.pending = null;
      if (live.stopped || !live.root.isConnected) return;
      live.lastTrigger = Date.now();
      live.setTriggerValue(name, value);
    }, wait);
    return;
  }
  live.lastTrigger = Date.now();
  live.setTriggerValue(name, value);
}
function stop(live) { live.stopped = true; clearInterval(live.timerId); if (live.pending) clearTimeout(live.pending); }

// --- the read-only board (facilitator's step 1, projector) ---------------------------------
function boardView(ctx) {
  const node = el("div", "sw-board");
  node.setAttribute("data-testid", "live-board");
  let settle = null;
  const draw = () => renderBoard(ctx, node, null);
  // The projector fits its columns to the screen: measure again once the page has settled.
  window.addEventListener("resize", draw);
  return {
    el: node,
    update() { draw(); clearTimeout(settle); settle = setTimeout(draw, 600); },
    destroy() { window.removeEventListener("resize", draw); clearTimeout(settle); },
  };
}

// The board in three columns. `voting` (participants on step 1) adds the vote buttons;
// the projector shows the top notes per column that fit the screen and counts the rest.
function renderBoard(ctx, node, voting) {
  const state = ctx.state;
  const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.focusKey : null;
  node.innerHTML = "";
  const fit = ctx.cfg.role === "projector";
  const columns = [];
  for (const d of ctx.vocab.dimensions) {
    const col = el("section", "sw-col sw-col-" + d.key);
    col.style.borderTopColor = d.colour; // one colour per dimension, as in the charts
    col.setAttribute("data-dimension", d.key);
    col.setAttribute("aria-label", d.title + " bottlenecks");
    const items = voting ? voting.order(d.key, state.board[d.key] || []) : (state.board[d.key] || []);
    const h = el("h3", "sw-col-head");
    h.append(el("span", "sw-col-title", d.title), el("span", "sw-col-count", String(items.length)));
    col.append(h, el("div", "sw-col-scope", d.scope));
    const list = el("ul", "sw-cards");
    for (const item of items) list.appendChild(card(ctx, item, voting));
    col.appendChild(list);
    node.appendChild(col);
    columns.push([col, list, items.length]);
  }
  if (fit) fitColumns(columns);
  if (focused) { const again = node.querySelector('[data-focus-key="' + focused + '"]'); if (again) again.focus(); }
}
function card(ctx, item, voting) {
  const li = el("li", "sw-card");
  li.setAttribute("data-id", String(item.id));
  li.appendChild(el("div", "sw-text", item.text));
  const foot = el("div", "sw-foot");
  foot.appendChild(el("span", "sw-votes", ctx.plural(item.votes, "vote")));
  if (voting) voting.buttons(item, foot);
  li.appendChild(foot);
  return li;
}
// Keep only the cards that fit above the bottom of the screen; say how many more there are.
// Each column is measured on its own cards (columns do not stretch to the tallest one).
function fitColumns(columns) {
  const bottom = window.innerHeight - 12;
  for (const [col, list, total] of columns) {
    const cards = [...list.children];
    const more = el("div", "sw-more", "+" + total + " more");
    col.appendChild(more);
    let shown = cards.length;
    const spare = () => bottom - more.getBoundingClientRect().bottom;
    while (shown > 0 && spare() < 0) {
      shown -= 1;
      cards[shown].remove();
      more.textContent = "+" + (total - shown) + " more";
    }
    if (shown === total) more.remove();
  }
}
