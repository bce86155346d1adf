// --- the readiness check "Are we ready to scale?" --------------------------------------------
// On a phone: a panel above the step's view while the facilitator has the check open, whatever
// step the room is on. The questions, scales and areas come from the vocabulary (built from
// workshop/domain/readiness.py). A submission is the whole set of my answers; unsent choices are kept
// as a draft in the browser. On the projector the page itself draws the results before step 1's
// clock starts, so the board leaves its place empty then.
const READY_THANKS = () => t("Thanks — you can change your answers until the facilitator closes the check.");

function readinessOpen(ctx) { const r = ctx.state.readiness; return Boolean(r && r.open && !ctx.state.ended); }
function readinessShowing(ctx) { const r = ctx.state.readiness; return Boolean(r && r.showing); }

// Show, build once, then update the panel (participants only).
function paintReadiness(live) {
  const host = live.dom.ready;
  if (!host || !live.state) return;
  const show = readinessOpen(live.ctx);
  host.hidden = !show;
  if (!show) return;
  if (!live.readiness) { live.readiness = readinessPanel(live.ctx); host.appendChild(live.readiness.box); }
  updateReadiness(live.ctx, live.readiness);
}
function readinessPanel(ctx) {
  const vocab = ctx.vocab.readiness;
  const panel = { answers: {}, inputs: {}, dirty: false, sending: false, touched: false, seen: null };
  const box = el("section", "sw-ready");
  box.setAttribute("data-testid", "live-readiness");
  const details = el("details", "sw-ready-details");
  const summary = el("summary", "sw-ready-summary");
  const sub = el("span", "sw-ready-sub");
  summary.append(el("span", "sw-ready-title", vocab.title), sub);
  summary.onclick = () => { panel.touched = true; };
  const form = el("fieldset", "sw-form sw-ready-form");
  form.appendChild(el("p", "sw-muted", t("Answer what you can: every question is optional. The room sees only the medians, never who said what.")));
  form.appendChild(el("h4", "sw-ready-h", t("When to scale: how strong is the evidence?")));
  for (const q of vocab.questions.filter((q) => !q.area)) form.appendChild(readinessQuestion(ctx, panel, q));
  for (const area of vocab.areas) {
    form.appendChild(el("h4", "sw-ready-h", t("{area}: how far do you agree?", { area: area.title })));
    for (const q of vocab.questions.filter((q) => q.area === area.key)) form.appendChild(readinessQuestion(ctx, panel, q));
  }
  const count = el("div", "sw-ready-count");
  count.setAttribute("aria-live", "polite");
  const send = button(t("Send my answers"), "sw-primary", () => sendReadiness(ctx, panel));
  send.setAttribute("data-testid", "live-readiness-send");
  const status = ctx.statusLine();
  form.append(count, send, status);
  details.append(summary, form);
  box.appendChild(details);
  Object.assign(panel, { box, details, sub, form, count, send, status });
  const draft = ctx.store.get("readiness").answers;
  if (draft && Object.keys(draft).length) { panel.answers = draft; panel.dirty = true; fillReadiness(panel); }
  return panel;
}
// One question: its statement, one radio per level of its scale (44 px pills), and its figure.
function readinessQuestion(ctx, panel, q) {
  const scale = ctx.vocab.readiness.scales.find((s) => s.key === q.scale);
  const set = el("fieldset", "sw-q");
  set.setAttribute("data-question", q.key);
  const legend = el("legend", "sw-q-legend");
  legend.append(el("span", "sw-q-title", q.title), el("span", "sw-q-text", q.text));
  const opts = el("div", "sw-opts sw-opts-" + scale.levels.length);
  const name = "sw-q-" + q.key + "-" + (++fieldSeq);
  const inputs = { radios: [], number: null };
  for (const level of scale.levels) {
    const label = el("label", "sw-opt");
    const input = el("input");
    input.type = "radio";
    input.name = name;
    input.value = String(level.value);
    input.onchange = () => setReadiness(ctx, panel, q.key, { rating: level.value });
    label.append(input, el("span", null, level.label));
    opts.appendChild(label);
    inputs.radios.push(input);
  }
  set.append(legend, opts);
  if (q.number) {
    const num = el("input", "sw-input sw-num");
    num.type = "text";
    num.inputMode = "decimal";
    num.autocomplete = "off";
    num.oninput = () => setReadiness(ctx, panel, q.key, { number: num.value });
    const unit = q.number.unit ? " (" + q.number.unit + ")" : "";
    set.appendChild(field(t("{figure}, optional", { figure: q.number.label + unit }), num));
    inputs.number = num;
  }
  panel.inputs[q.key] = inputs;
  return set;
}
function setReadiness(ctx, panel, key, change) {
  panel.answers[key] = Object.assign({}, panel.answers[key] || {}, change);
  panel.dirty = true;
  ctx.store.set("readiness", { answers: panel.answers });
  updateReadiness(ctx, panel);
}
function fillReadiness(panel) {
  for (const [key, inputs] of Object.entries(panel.inputs)) {
    const a = panel.answers[key] || {};
    for (const r of inputs.radios) r.checked = a.rating !== undefined && a.rating !== null && r.value === String(a.rating);
    if (inputs.number) inputs.number.value = a.number === undefined || a.number === null ? "" : String(a.number);
  }
}
function rated(answers) { return Object.values(answers).filter((a) => a.rating !== undefined && a.rating !== null).length; }
function updateReadiness(ctx, panel) {
  const mine = ctx.me.readiness || {};
  const sig = JSON.stringify(mine);
  if (!panel.dirty && sig !== panel.seen) { panel.seen = sig; panel.answers = JSON.parse(sig); fillReadiness(panel); }
  const given = Object.keys(mine).length;
  if (!panel.touched) panel.details.open = given === 0 || panel.dirty;
  const questions = ctx.vocab.readiness.questions.length;
  panel.sub.textContent = panel.dirty && given ? t("Changed: send again to update your answers.")
    : given ? READY_THANKS() : tn("About {minutes} minutes · {n} question, all optional", "About {minutes} minutes · {n} questions, all optional",
      questions, { minutes: num(ctx.vocab.readiness.minutes) });
  panel.count.textContent = t("{answered} of {questions} answered", { answered: num(rated(panel.answers)), questions: num(questions) });
  panel.form.disabled = !ctx.open();
}
// Send every rated answer; a figure without a rating is asked about instead of dropped.
async function sendReadiness(ctx, panel) {
  if (panel.sending) return;
  const answers = [];
  for (const q of ctx.vocab.readiness.questions) {
    const a = panel.answers[q.key];
    if (!a) continue;
    const figure = a.number === undefined || a.number === null ? "" : String(a.number).trim();
    if (a.rating === undefined || a.rating === null) {
      if (figure) { panel.status.say(t("Rate “{question}” too, or clear its figure.", { question: q.title }), true); return; }
      continue;
    }
    answers.push(q.number && figure ? { key: q.key, rating: a.rating, number: figure } : { key: q.key, rating: a.rating });
  }
  panel.sending = true;
  panel.send.disabled = true;
  const r = await ctx.post("readiness", { answers });
  panel.sending = false;
  panel.send.disabled = false;
  if (!r.ok) { panel.status.say(r.error, true); return; }
  panel.dirty = false;
  panel.touched = false;
  ctx.store.clear("readiness");
  panel.status.say(READY_THANKS());
  updateReadiness(ctx, panel);
  panel.box.scrollIntoView({ block: "start" });
}
