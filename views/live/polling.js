// Following the room: the long-polls, and when the console or projector page reruns.
function accept(live, next) {
  const state = live.state;
  const ending = Boolean(state) && next.ended !== state.ended;
  const moderated = state && next.moderation !== state.moderation;
  const showing = (s) => Boolean(s && s.readiness && s.readiness.showing);
  const swapped = Boolean(state) && showing(state) !== showing(next); // the check's results give way to the board
  // Turning the board private: fetch my own notes. (The reveal needs no read: the board has them all.)
  const hiding = state && next.private && !state.private;
  live.state = next;
  paint(live);
  if (moderated || hiding) refreshMine(live);
  stepChanged(live);
  // The console and the projector redraw their own content when the room's data moves (at most
  // every 3 s), and at once when the workshop ends or reopens, or step 1's board replaces the check.
  const cfg = live.cfg;
  const now = ending || swapped || next.language !== (state ? state.language : next.language);
  // A phone that follows the workshop's language, when the facilitator changes it: the page anew.
  if (live.participant && cfg.follows_workshop && next.language !== cfg.lang) { location.reload(); return; }
  if (!live.participant && (cfg.role === "facilitator" || cfg.follow || now)) maybeRerun(live, "version", next.version, now ? 0 : 3000);
}
// A participant's reads carry their token in a header (never in the address, which logs keep):
// the meta poll counts them as connected only with it, once however many screens they use.
// Every read names its language: a phone's own, else the workshop's as this screen last saw it.
async function getJson(live, path, heard, signal) {
  const headers = live.participant && live.cfg.token ? { "X-Workshop-Token": live.cfg.token } : {};
  const speaks = live.participant && !live.cfg.follows_workshop ? live.cfg.lang : (live.state ? live.state.language : live.cfg.lang);
  const asked = path + (path.includes("?") ? "&" : "?") + "lang=" + encodeURIComponent(speaks || "");
  const resp = await fetch(live.base + "/api/live/" + live.cfg.code + asked, { cache: "no-store", headers, signal });
  const serverNow = parseFloat(resp.headers.get("X-Server-Now") || "");
  if (!isNaN(serverNow)) live.offset = serverNow - Date.now() / 1000;
  // How long the server asks this screen to leave before asking again: on a refusal (429), and on
  // a full state when the server paces a big room's phones.
  if (heard) {
    heard.retryAfter = 1000 * (parseInt(resp.headers.get("Retry-After") || "", 10) || 0);
    const turned = parseInt(resp.headers.get("X-Meta-Version") || "", 10);
    if (!isNaN(turned)) live.metaVersion = Math.max(live.metaVersion || 0, turned);
  }
  if (!resp.ok) throw new Error("status " + resp.status);
  return resp.json();
}
// One poll, always open: the server answers it at once when the room moves (step, clock, lock,
// end: the meta passes the version this screen holds), and with a newer board only after `hold`
// ms, the phone's least interval or the pace the server asks of a big room's phones. So a step
// change costs one answer per phone. My own write ends the hold (`waker`), to see it in the room.
// A state older than the meta a screen has seen (served by a process that has not rebuilt yet,
// behind `serve`) is not shown; the next poll waits for a newer one.
async function stateLoop(live) {
  let failures = 0;
  let since = -1;
  let hold = 0;
  const heard = { retryAfter: 0 };
  while (!live.stopped) {
    if (!live.root.isConnected) { stop(live); break; }
    const ask = new AbortController();
    live.waker.wake = () => ask.abort();
    try {
      heard.retryAfter = 0;
      const held = live.metaVersion === undefined ? -1 : live.metaVersion;
      const query = "?since=" + Math.max(since, live.state ? live.state.version : -1) + "&meta=" + held +
        "&hold=" + (hold / 1000) + "&wait=25&client=" + live.clientId;
      const next = await getJson(live, query, heard, ask.signal);
      failures = 0;
      since = next.version;
      hold = live.cfg.min_interval ? Math.max(live.cfg.min_interval, heard.retryAfter) : 0;
      if (next.version < (live.metaVersion || 0)) { hold = 0; continue; }
      if (!live.state || next.version !== live.state.version) accept(live, next);
    } catch (e) {
      if (ask.signal.aborted) { hold = 0; continue; } // woken by my own write: ask again, with no hold
      failures += 1;
      await sleep(Math.max(heard.retryAfter, Math.min(10000, 500 * failures)));
    }
  }
}
// A phone's meta poll says "still here" (with its token) every 20 s, well inside the 40 s in which
// the server counts it as connected: behind `serve`, the room's own process keeps that count.
async function heartbeatLoop(live) {
  while (!live.stopped) {
    try { await getJson(live, "/meta?since=-1&wait=0&client=" + live.clientId); } catch (e) {}
    await sleep(20000);
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
