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
function makeLive(root, initial, setTriggerValue) {
  let cfg = initial;
  let state = cfg.state;
  let offset = cfg.server_now - Date.now() / 1000;
  let stopped = false;
  let lastTrigger = 0;
  const vocab = cfg.vocabulary;
  const base = cfg.base || "";
  const participant = cfg.role === "participant";
  const clientId = newId();

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

  // --- drafts: unsent input survives a refresh and is sent exactly once ----------------
  const draftKey = "sw-draft:" + cfg.code + ":" + (cfg.token || "anon");
  let drafts = {};
  try { drafts = JSON.parse(localStorage.getItem(draftKey) || "{}") || {}; } catch (e) { drafts = {}; }
  const store = {
    get(name) { return drafts[name] || {}; },
    set(name, value) { drafts[name] = value; try { localStorage.setItem(draftKey, JSON.stringify(drafts)); } catch (e) {} },
    clear(name) { delete drafts[name]; try { localStorage.setItem(draftKey, JSON.stringify(drafts)); } catch (e) {} },
  };

  // --- network ---------------------------------------------------------------------------
  let me = { votes: {}, votes_left: state ? state.vote_budget : 0, refunded: 0, scores: {}, picks: {}, volunteered: [] };
  async function post(path, body) {
    let resp;
    try {
      resp = await fetch(base + "/api/live/" + cfg.code + "/" + path, {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(Object.assign({ token: cfg.token }, body)),
      });
    } catch (e) {
      return { ok: false, offline: true, error: "Connection lost: what you typed is kept and will not be sent twice. Try again." };
    }
    let json = {};
    try { json = await resp.json(); } catch (e) { json = { error: "The server answered " + resp.status + "." }; }
    json.ok = resp.ok;
    if (resp.ok && json.me) setMe(json.me);
    if (resp.ok && path !== "me" && waker.wake) waker.wake(); // see the room with my write in it at once
    return json;
  }
  // Send one form's input exactly once: the client id is stored with the draft before sending.
  async function send(path, draftName, body, withClientId) {
    const d = store.get(draftName);
    if (withClientId && !d.client_id) { d.client_id = newId(); store.set(draftName, d); }
    const r = await post(path, withClientId ? Object.assign({ client_id: d.client_id }, body) : body);
    if (r.ok) store.clear(draftName);
    else if (!r.offline && withClientId) { const k = store.get(draftName); delete k.client_id; store.set(draftName, k); }
    return r;
  }
  let refundSeen = null;
  function setMe(next) {
    const refundedNow = next.refunded || 0;
    if (refundSeen !== null && refundedNow > refundSeen) {
      ctx.notice = plural(refundedNow - refundSeen, "vote") + " of yours sat on a note the facilitator hid as noise: " +
        (refundedNow - refundSeen === 1 ? "it is" : "they are") + " back in your budget.";
    }
    refundSeen = refundedNow;
    me = next;
    paint();
  }
  async function refreshMine() {
    if (!participant || !cfg.token) return;
    await post("me", {});
  }

  // --- what step views get ----------------------------------------------------------------
  const ctx = {
    vocab, store, post, send, el, button, field, select, fillSelect, statusLine, plural, rebuild, arrange,
    get state() { return state; }, get me() { return me; }, get cfg() { return cfg; },
    notice: "",
    open() { return state && !state.locked && !state.ended; },
    bottleneck(id) {
      for (const key of Object.keys(state.board)) for (const b of state.board[key]) if (b.id === id) return b;
      return null;
    },
    ranked() { // every note on the board, most votes first
      const all = [];
      for (const d of vocab.dimensions) for (const b of state.board[d.key] || []) all.push(Object.assign({ dimension: d.key }, b));
      return all.sort((a, b) => b.votes - a.votes || a.id - b.id);
    },
    dimension(key) { return vocab.dimensions.find((d) => d.key === key) || { title: key }; },
    outcome(key) { return vocab.outcomes.find((o) => o.key === key) || { title: key }; },
    choice(key) { return vocab.choices.find((c) => c.key === key) || { title: key }; },
    initiative(id) { return state.initiatives.find((i) => i.id === id) || null; },
    repaint: () => paint(),
  };

  // --- painting -----------------------------------------------------------------------------
  let view = null;
  let viewKey = null;
  function paintHeader() {
    if (!state) return;
    stepEl.textContent = state.ended ? "Workshop ended" : "Step " + state.step.number + " of " + state.step.of + " · " + state.step.title;
    let note = "";
    if (state.ended) note = participant ? "" : "The workshop has ended."; // the phone's closing view says it
    else if (state.locked) note = "Input is locked by the facilitator for the moment.";
    banner.textContent = note;
    banner.style.display = note ? "block" : "none";
    const p = state.progress;
    if (p) countEl.textContent = (connected !== null ? connected + " connected · " : "") +
      p.acted + " of " + plural(p.people, "participant") + " " + p.label;
    tick();
  }
  function tick() {
    if (!state) return;
    const t = state.timer;
    const now = Date.now() / 1000 + offset;
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
  function paint() {
    paintHeader();
    if (!state) return;
    const key = participant ? (state.ended ? "closed" : state.step.key) : (cfg.board ? "board" : "none");
    if (key !== viewKey) {
      if (view && view.destroy) view.destroy();
      host.innerHTML = "";
      viewKey = key;
      view = key === "none" ? null : (participant ? stepView(ctx, key) : boardView)(ctx);
      if (view) host.appendChild(view.el);
      if (participant) { wrap.setAttribute("data-step", key); }
    }
    if (view) view.update();
  }

  // --- polling --------------------------------------------------------------------------
  const waker = {};
  let connected = null;
  function accept(next) {
    const ending = Boolean(state) && next.ended !== state.ended;
    const moderated = state && next.moderation !== state.moderation;
    state = next;
    paint();
    if (moderated) refreshMine();
    stepChanged();
    // The console and the projector redraw their own content when the room's data moves (at most
    // every 3 s), and at once when the workshop ends or reopens.
    if (!participant && (cfg.role === "facilitator" || cfg.follow || ending)) maybeRerun("version", next.version, ending ? 0 : 3000);
  }
  async function get(path) {
    const resp = await fetch(base + "/api/live/" + cfg.code + path, { cache: "no-store" });
    const serverNow = parseFloat(resp.headers.get("X-Server-Now") || "");
    if (!isNaN(serverNow)) offset = serverNow - Date.now() / 1000;
    if (!resp.ok) throw new Error("status " + resp.status);
    return resp.json();
  }
  async function stateLoop() {
    let failures = 0;
    while (!stopped) {
      if (!root.isConnected) { stop(); break; }
      try {
        const next = await get("?since=" + (state ? state.version : -1) + "&wait=25&client=" + clientId);
        failures = 0;
        if (!state || next.version !== state.version) accept(next);
        if (cfg.min_interval) await sleep(cfg.min_interval, waker);
      } catch (e) {
        failures += 1;
        await sleep(Math.min(10000, 500 * failures));
      }
    }
  }
  // Phones throttle the full state; this small long-poll wakes them at once when the step moves.
  async function metaLoop() {
    let since = -1;
    let failures = 0;
    while (!stopped) {
      if (!root.isConnected) { stop(); break; }
      try {
        const m = await get("/meta?since=" + since + "&wait=25&client=" + clientId);
        failures = 0;
        if (m.version !== since) {
          since = m.version;
          if (state && (m.step.key !== state.step.key || m.ended !== state.ended || m.locked !== state.locked ||
                        JSON.stringify(m.timer) !== JSON.stringify(state.timer))) {
            state = Object.assign({}, state, { step: m.step, timer: m.timer, locked: m.locked, ended: m.ended });
            paintHeader();
            if (waker.wake) waker.wake();
          }
        }
      } catch (e) {
        failures += 1;
        await sleep(Math.min(10000, 500 * failures));
      }
    }
  }
  async function presenceLoop() {
    while (!stopped) {
      try { connected = (await get("/presence")).connected; paintHeader(); } catch (e) {}
      await sleep(5000);
    }
  }
  function stepChanged() {
    if (!participant && state && state.step.key !== cfg.step_key) maybeRerun("step", state.step.key, 0);
  }
  // Rerun the page at most once per `gap` ms; a change inside the gap is not lost but
  // replayed when the gap ends, so the last update always reaches the screen.
  let pending = null;
  function maybeRerun(name, value, gap) {
    if (stopped || !root.isConnected) return;
    const wait = lastTrigger + gap - Date.now();
    if (wait > 0) {
      if (pending) clearTimeout(pending);
      pending = setTimeout(() => {
        pending = null;
        if (stopped || !root.isConnected) return;
        lastTrigger = Date.now();
        setTriggerValue(name, value);
      }, wait);
      return;
    }
    lastTrigger = Date.now();
    setTriggerValue(name, value);
  }
  function stop() { stopped = true; clearInterval(timerId); if (pending) clearTimeout(pending); }

  // --- the read-only board (facilitator's step 1, projector) -----------------------------
  function boardView() {
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

  const timerId = setInterval(tick, 250);
  paint();
  if (participant) { refreshMine(); metaLoop(); }
  if (cfg.role === "projector" || cfg.role === "facilitator") presenceLoop();
  stateLoop();

  return {
    update(next) {
      const stepMoved = next.step_key !== cfg.step_key;
      cfg = next;
      if (next.state && (!state || next.state.version >= state.version)) state = next.state;
      offset = next.server_now - Date.now() / 1000;
      if (stepMoved) stepChanged();
      paint();
    },
    stop,
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
