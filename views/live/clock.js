// The console's clock, in the sidebar so it never scrolls away: the time left of the room's step,
// counted here from the stored deadline (time left is a pure function of now and that deadline,
// as in the live header) and a clear "Time's up" once it has run out, never a pale "-00:14".
export default function (component) {
  const { data, parentElement } = component;
  const root = parentElement;
  if (!root.__clock) root.__clock = makeClock(root);
  const clock = root.__clock;
  clock.data = data;
  clock.offset = data.server_now - Date.now() / 1000;
  clock.tick();
  return () => setTimeout(() => {
    if (!root.isConnected && root.__clock) { clearInterval(root.__clock.timerId); root.__clock = null; }
  }, 0);
}
function makeClock(root) {
  const box = document.createElement("div");
  box.className = "sw-clock";
  box.setAttribute("role", "timer");
  const label = document.createElement("span");
  label.className = "sw-clock-label";
  const time = document.createElement("span");
  time.className = "sw-clock-time";
  box.append(label, time);
  root.appendChild(box);
  const clock = { data: null, offset: 0, tick: () => show(clock, box, label, time) };
  clock.timerId = setInterval(clock.tick, 250);
  return clock;
}
function show(clock, box, label, time) {
  const d = clock.data;
  if (!d) return;
  const now = Date.now() / 1000 + clock.offset;
  let left = d.remaining;
  if (d.state === "running" && d.deadline) left = d.deadline - now;
  if (d.state === "done") left = 0;
  let state = d.state;
  if (d.ended) state = "ended";
  else if (d.state === "running" && left <= 0) state = "up";
  const t = (msgid) => (d.texts && typeof d.texts[msgid] === "string" ? d.texts[msgid] : msgid);
  label.textContent = t(LABELS[state]);
  time.textContent = state === "ended" ? "" : state === "up" ? t("{clock} over").replace("{clock}", mmss(-left)) : mmss(Math.abs(left));
  box.setAttribute("data-state", state);
  box.setAttribute("data-seconds", String(Math.round(left)));
}
// Said in the page's language: `texts` (from workshop/live/payload.py) holds these messages translated.
const LABELS = {
  running: t("Time left"), up: t("Time's up"), paused: t("Paused, time left"), pending: t("Not started"),
  done: t("Finished"), ended: t("The workshop has ended"),
};
function t(msgid) { return msgid; } // marks the English message; `show` looks its translation up
function mmss(seconds) {
  const s = Math.floor(seconds);
  const pad = (n) => String(n).padStart(2, "0");
  return pad(Math.floor(s / 60)) + ":" + pad(s % 60);
}
