// The live element: one screen that follows the room over /api/live without page reruns.
// This module is its entry and core: the element's shared state, frame, drafts, network, the
// context the step views get, and painting. `views/kit/ui.py` joins the modules of this folder into
// one ES module: helpers, element, polling, board, steps, then one module per step in the order
// of `workshop/domain/vocabulary.py`, then closed. Everything user-written is placed with textContent, never as HTML.
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement;
  if (root.__live && root.__live.lang === data.lang) root.__live.update(data);
  else { // first mount, or the page now speaks another language: build the element anew in it
    if (root.__live) { root.__live.stop(); root.innerHTML = ""; }
    root.__live = makeLive(root, data, setTriggerValue);
  }
  // Stop polling once the element has really left the page (not on a mere re-render),
  // so a page the user navigated away from never reruns the page they are on.
  return () => setTimeout(() => {
    if (!root.isConnected && root.__live) { root.__live.stop(); root.__live = null; }
  }, 0);
}

// --- the element -------------------------------------------------------------------------
// The parts below share one object, `live`: the settings, the room's state, my own view, the
// frame's nodes and the polling flags. Step views get `live.ctx` (see stepContext).
function makeLive(root, initial, setTriggerValue) {
  setLanguage(initial.lang, initial.texts);
  const live = liveContext(root, initial, setTriggerValue);
  live.timerId = setInterval(() => tick(live), 250);
  paint(live);
  if (live.participant) { refreshMine(live); heartbeatLoop(live); }
  if (live.cfg.role === "projector" || live.cfg.role === "facilitator") presenceLoop(live);
  stateLoop(live);

  return {
    lang: initial.lang,
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
    me: { votes: {}, votes_left: state ? state.vote_budget : 0, refunded: 0, scores: {}, picks: {}, volunteered: [], impacts: [], readiness: {} },
    readiness: null,
    refundSeen: null,
    connected: null,
    waker: {},
    view: null, viewKey: null,
  };
  live.dom = frame(root, cfg, live.participant);
  if (live.participant && cfg.token) live.dom.wrap.appendChild(eraseControl(live)); // views/live/erase.js
  live.store = draftStore(cfg);
  live.ctx = stepContext(live);
  return live;
}

// The header (step and clock), the banner, the progress line (not on phones) and the view's host.
function frame(root, cfg, participant) {
  const wrap = el("div", "sw sw-" + cfg.role);
  wrap.setAttribute("data-testid", "live-" + cfg.role);
  wrap.lang = cfg.lang_tag || cfg.lang;
  root.appendChild(wrap);
  const header = el("div", "sw-head");
  const stepEl = el("div", "sw-step");
  stepEl.setAttribute("data-testid", "live-step");
  const clockEl = el("div", "sw-clock");
  clockEl.setAttribute("data-testid", "live-clock");
  clockEl.setAttribute("role", "timer");
  clockEl.setAttribute("aria-label", t("Time left in this step"));
  header.append(stepEl, clockEl);
  const countEl = el("div", "sw-progress");
  countEl.setAttribute("data-testid", "live-progress");
  const banner = el("div", "sw-banner");
  banner.setAttribute("role", "status");
  wrap.append(header, banner);
  if (cfg.role === "projector") header.insertBefore(countEl, clockEl); // one bar: step, who is in, time
  else if (!participant) wrap.appendChild(countEl);
  const ready = participant ? el("div", "sw-ready-host") : null; // the readiness check, above any step
  if (ready) { ready.hidden = true; wrap.appendChild(ready); }
  const host = el("div", "sw-host");
  wrap.appendChild(host);
  if (participant && cfg.languages && cfg.languages.length > 1) wrap.appendChild(languageSwitcher(cfg));
  return { wrap, stepEl, clockEl, countEl, banner, ready, host };
}
// The phone's own language, kept by this browser (a cookie the page reads, so the page and the
// element both speak it after the reload); the other phones and the projector keep theirs.
function languageSwitcher(cfg) {
  const box = el("div", "sw-lang");
  const choice = select(cfg.languages.map((l) => ({ value: l.code, text: l.name })), cfg.lang);
  choice.setAttribute("data-testid", "live-language");
  cfg.languages.forEach((l, i) => { choice.options[i].lang = l.tag; }); // each name is said in its own language
  choice.onchange = () => {
    document.cookie = cfg.language_cookie + "=" + encodeURIComponent(choice.value) + "; path=/; max-age=31536000; SameSite=Lax";
    try { localStorage.setItem(cfg.language_cookie, choice.value); } catch (e) { /* private mode: the cookie is enough */ }
    location.reload();
  };
  box.appendChild(field(t("Language"), choice));
  return box;
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
      method: "POST", headers: { "Content-Type": "application/json", "Accept-Language": live.cfg.lang },
      body: JSON.stringify(Object.assign({ token: live.cfg.token }, body)),
    });
  } catch (e) {
    return { ok: false, offline: true, error: t("Connection lost: what you typed is kept and will not be sent twice. Try again.") };
  }
  let json = {};
  try { json = await resp.json(); } catch (e) { json = { error: t("The server answered {status}.", { status: resp.status }) }; }
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
    live.ctx.notice = tn("{n} vote of yours sat on a note the facilitator hid as noise: it is back in your budget.",
      "{n} votes of yours sat on a note the facilitator hid as noise: they are back in your budget.", refundedNow - seen);
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
    vocab, store: live.store, el, button, field, select, fillSelect, statusLine, rebuild, arrange,
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
  stepEl.textContent = state.ended ? t("Workshop ended")
    : t("Step {number} of {of} · {title}", { number: num(state.step.number), of: num(state.step.of), title: state.step.title });
  let note = "";
  if (state.ended) note = live.participant ? "" : t("The workshop has ended."); // the phone's closing view says it
  else if (state.locked) note = t("Input is locked by the facilitator for the moment.");
  banner.textContent = note;
  banner.style.display = note ? "block" : "none";
  const p = state.progress;
  // One screen per participant is counted (the server keys presence by person); never more than have joined.
  if (p) countEl.textContent = (live.connected !== null
    ? t("{n} connected", { n: num(Math.min(live.connected, p.people)) }) + " · " : "") + tookPart(live, p);
  tick(live);
}
// "4 of 6 participants scored": for the step this screen shows, which on a console previewing
// another step (or an ended workshop's earlier step) is not the room's current one.
function tookPart(live, p) {
  const key = live.cfg.step_key;
  const step = (live.vocab.steps || []).find((s) => s.key === key);
  const own = step && p.by_step && key in p.by_step;
  return tn("{acted} of {n} participant {label}", "{acted} of {n} participants {label}", p.people,
    { acted: num(own ? p.by_step[key] : p.acted), label: own ? step.acted : p.label });
}
function tick(live) {
  const state = live.state;
  if (!state) return;
  const clockEl = live.dom.clockEl;
  const timer = state.timer;
  const now = Date.now() / 1000 + live.offset;
  let left = timer.remaining;
  if (timer.state === "running" && timer.deadline) left = timer.deadline - now;
  if (timer.state === "done" || state.ended) left = 0;
  let label = clock(left);
  if (state.ended) label = t("Ended");
  else if (timer.state === "paused") label = t("{clock} paused", { clock: label });
  else if (timer.state === "pending") label = t("{clock} not started", { clock: label });
  clockEl.textContent = label;
  clockEl.classList.toggle("over", left < 0);
  clockEl.setAttribute("data-seconds", String(Math.round(left)));
  clockEl.setAttribute("data-state", timer.state);
}
function paint(live) {
  paintHeader(live);
  if (!live.state) return;
  if (live.participant) paintReadiness(live);
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
