// Live room element: countdown, board, add form and dot voting, fed by /api/live.
// Everything user-written is placed with textContent, never as HTML.
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

const DIMS = [
  ["product", "Product", "reach, features, markets"],
  ["platform", "Platform", "capacity, reliability, interoperability"],
  ["organisation", "Organisation", "teams, process, decisions"],
];

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function clock(seconds) {
  const over = seconds < 0;
  const total = over ? Math.floor(-seconds) : Math.ceil(seconds);
  const m = String(Math.floor(total / 60)).padStart(2, "0");
  const s = String(total % 60).padStart(2, "0");
  return (over ? "-" : "") + m + ":" + s;
}

function makeLive(root, initial, setTriggerValue) {
  let cfg = initial;
  let state = cfg.state;
  let offset = cfg.server_now - Date.now() / 1000;
  let stopped = false;
  let mine = { votes: {}, votes_left: state ? state.vote_budget : 0 };
  let lastTrigger = 0;
  const base = cfg.base || "";
  const draftKey = "sw-draft:" + cfg.code + ":" + (cfg.token || "anon");

  const wrap = el("div", "sw sw-" + cfg.role);
  wrap.setAttribute("data-testid", "live-" + cfg.role);
  root.appendChild(wrap);
  const header = el("div", "sw-head");
  const stepEl = el("div", "sw-step");
  const clockEl = el("div", "sw-clock");
  clockEl.setAttribute("data-testid", "live-clock");
  header.append(stepEl, clockEl);
  wrap.appendChild(header);
  const banner = el("div", "sw-banner");
  wrap.appendChild(banner);
  const form = el("div", "sw-form");
  const boardEl = el("div", "sw-board");
  boardEl.setAttribute("data-testid", "live-board");
  const status = el("div", "sw-status");
  status.setAttribute("role", "status");

  if (cfg.role === "participant" && cfg.board) wrap.appendChild(form);
  wrap.appendChild(status);
  if (cfg.board) wrap.appendChild(boardEl);

  // --- add form (participants, step 1) -------------------------------------------------
  let dimension = "platform";
  let draft = { text: "", dimension: "platform", client_id: null };
  try { draft = Object.assign(draft, JSON.parse(localStorage.getItem(draftKey) || "{}")); } catch (e) {}
  dimension = draft.dimension || "platform";
  const dimRow = el("div", "sw-dims");
  const dimButtons = {};
  for (const [key, title] of DIMS) {
    const b = el("button", "sw-dim", title);
    b.type = "button";
    b.setAttribute("data-dim", key);
    b.onclick = () => { dimension = key; saveDraft(); paintDims(); };
    dimButtons[key] = b;
    dimRow.appendChild(b);
  }
  const input = el("textarea", "sw-input");
  input.rows = 2;
  input.maxLength = 280;
  input.placeholder = "A bottleneck you feel today…";
  input.setAttribute("aria-label", "New bottleneck");
  input.value = draft.text || "";
  input.oninput = saveDraft;
  const addBtn = el("button", "sw-add", "Add");
  addBtn.type = "button";
  addBtn.setAttribute("data-testid", "live-add");
  addBtn.onclick = submit;
  input.onkeydown = (e) => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); submit(); } };
  const budgetEl = el("div", "sw-budget");
  form.append(dimRow, input, addBtn, budgetEl);

  function paintDims() {
    for (const [key] of DIMS) dimButtons[key].classList.toggle("on", key === dimension);
  }
  function saveDraft() {
    draft.text = input.value;
    draft.dimension = dimension;
    try { localStorage.setItem(draftKey, JSON.stringify(draft)); } catch (e) {}
  }
  let sending = false;
  async function submit() {
    const text = input.value.trim();
    if (!text || sending) return;
    if (!draft.client_id) draft.client_id = Math.random().toString(36).slice(2) + Date.now().toString(36);
    saveDraft();
    sending = true;
    addBtn.disabled = true;
    try {
      const r = await post("/bottlenecks", { token: cfg.token, dimension, text, client_id: draft.client_id });
      if (r.ok) {
        input.value = "";
        draft = { text: "", dimension, client_id: null };
        saveDraft();
        say("Added. Add another, or vote below.", false);
      } else {
        say(r.error || "Could not add it; your draft is kept.", true);
      }
    } catch (e) {
      say("Connection lost: your draft is kept and will not be added twice. Try again.", true);
    } finally {
      sending = false;
      addBtn.disabled = false;
    }
  }

  function say(text, bad) {
    status.textContent = text;
    status.className = "sw-status" + (bad ? " bad" : " ok");
  }

  async function post(path, body) {
    const resp = await fetch(base + "/api/live/" + cfg.code + path, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    const json = await resp.json();
    if (resp.ok) { json.ok = true; } else { json.ok = false; }
    return json;
  }

  async function refreshMine() {
    if (cfg.role !== "participant" || !cfg.token) return;
    try {
      const r = await post("/me", { token: cfg.token });
      if (r.ok) { mine = r; paintBoard(); }
    } catch (e) {}
  }

  async function voteOn(id, remove) {
    try {
      const r = await post("/votes", { token: cfg.token, bottleneck_id: id, remove });
      if (!r.ok) say(r.error, true);
      await refreshMine();
    } catch (e) { say("Connection lost; try again.", true); }
  }

  // --- painting -----------------------------------------------------------------------
  function paintHeader() {
    if (!state) return;
    stepEl.textContent = "Step " + state.step.number + " of " + state.step.of + " · " + state.step.title;
    let note = "";
    if (state.ended) note = "The workshop has ended.";
    else if (state.locked) note = "Input is locked by the facilitator.";
    banner.textContent = note;
    banner.style.display = note ? "block" : "none";
    tick();
  }
  function tick() {
    if (!state) return;
    const t = state.timer;
    const now = Date.now() / 1000 + offset;
    let left = t.remaining;
    if (t.state === "running" && t.deadline) left = t.deadline - now;
    if (t.state === "done") left = 0;
    let label = clock(left);
    if (t.state === "paused") label += " ⏸";
    if (t.state === "pending") label += " (not started)";
    clockEl.textContent = label;
    clockEl.classList.toggle("over", left < 0);
    clockEl.setAttribute("data-seconds", String(Math.round(left)));
    clockEl.setAttribute("data-state", t.state);
  }
  function paintBoard() {
    if (!cfg.board || !state) return;
    const onStep1 = state.step.key === "bottlenecks";
    form.style.display = (cfg.role === "participant" && onStep1 && !state.locked && !state.ended) ? "grid" : "none";
    budgetEl.textContent = cfg.role === "participant" ? ("Votes left: " + mine.votes_left + " of " + state.vote_budget) : "";
    paintDims();
    boardEl.innerHTML = "";
    for (const [key, title, scope] of DIMS) {
      const col = el("div", "sw-col sw-col-" + key);
      col.setAttribute("data-dimension", key);
      const items = state.board[key] || [];
      const h = el("div", "sw-col-head");
      h.append(el("span", "sw-col-title", title), el("span", "sw-col-count", String(items.length)));
      col.append(h, el("div", "sw-col-scope", scope));
      for (const item of items) {
        const card = el("div", "sw-card");
        card.setAttribute("data-id", String(item.id));
        card.appendChild(el("div", "sw-text", item.text));
        const foot = el("div", "sw-foot");
        const dots = el("span", "sw-votes", item.votes + (item.votes === 1 ? " vote" : " votes"));
        foot.appendChild(dots);
        if (cfg.role === "participant" && onStep1 && !state.locked && !state.ended) {
          const my = mine.votes[String(item.id)] || 0;
          if (my > 0) {
            const minus = el("button", "sw-vote minus", "−");
            minus.type = "button";
            minus.title = "Take a vote back";
            minus.onclick = () => voteOn(item.id, true);
            foot.appendChild(minus);
            foot.appendChild(el("span", "sw-mine", "mine: " + my));
          }
          const plus = el("button", "sw-vote plus", "+1");
          plus.type = "button";
          plus.title = "Vote for this";
          plus.disabled = mine.votes_left <= 0;
          plus.onclick = () => voteOn(item.id, false);
          foot.appendChild(plus);
        }
        card.appendChild(foot);
        col.appendChild(card);
      }
      boardEl.appendChild(col);
    }
  }

  // --- polling ------------------------------------------------------------------------
  async function loop(kind) {
    let since = kind === "board" ? (state ? state.version : -1) : -1;
    let failures = 0;
    while (!stopped) {
      if (!root.isConnected) { stopped = true; clearInterval(timerId); break; }
      try {
        const path = kind === "board" ? "" : "/meta";
        const resp = await fetch(base + "/api/live/" + cfg.code + path + "?since=" + since + "&wait=25", { cache: "no-store" });
        const serverNow = parseFloat(resp.headers.get("X-Server-Now") || "");
        if (!isNaN(serverNow)) offset = serverNow - Date.now() / 1000;
        if (!resp.ok) throw new Error("status " + resp.status);
        const next = await resp.json();
        failures = 0;
        if (next.version !== since) {
          since = next.version;
          if (kind === "board") {
            state = next;
            paintHeader();
            paintBoard();
            // The facilitator's page and a projector showing steps 2–5 redraw their
            // server-side content when the room's data moves (at most every 3 s).
            if (cfg.role === "facilitator" || cfg.follow) maybeRerun("version", next.version, 3000);
          } else {
            state = Object.assign({}, state || {}, next);
            paintHeader();
            paintBoard();
          }
          stepChanged();
        }
        if (kind === "board" && cfg.min_interval) await sleep(cfg.min_interval);
      } catch (e) {
        failures += 1;
        await sleep(Math.min(10000, 500 * failures));
      }
    }
  }
  function stepChanged() {
    if (state && state.step.key !== cfg.step_key) {
      maybeRerun("step", state.step.key, 0);
    }
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
  function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

  const timerId = setInterval(tick, 250);
  paintHeader();
  paintBoard();
  refreshMine();
  if ((cfg.board || cfg.follow) && (cfg.role !== "participant" || (state && state.step.key === "bottlenecks"))) loop("board");
  else loop("meta");

  return {
    update(next) {
      const stepMoved = next.step_key !== cfg.step_key;
      cfg = next;
      if (next.state && (!state || next.state.version >= state.version)) state = next.state;
      offset = next.server_now - Date.now() / 1000;
      if (stepMoved) stepChanged();
      paintHeader();
      paintBoard();
    },
    stop() { stopped = true; clearInterval(timerId); if (pending) clearTimeout(pending); },
  };
}
