// The participant's part of each step: one module per step (named by its key), each adding its
// view here; they are joined in the order of `workshop/domain/vocabulary.py`, the order of the vocabulary's
// steps. A view is built once when the room enters the step and then only updated, so what a
// person is typing or choosing is never wiped by the room's changes.
const STEP_VIEWS = [];

// The view for a step key, or the closing view ("closed") once the workshop has ended.
function stepView(ctx, key) {
  if (key === "closed") return closedView;
  return STEP_VIEWS[ctx.vocab.steps.findIndex((s) => s.key === key)];
}

// How this step works: collapsed, so the form is the first thing on a phone.
function guide(ctx) {
  const d = el("details", "sw-guide");
  const s = el("summary", null, t("How this step works"));
  const goal = el("p", "sw-goal");
  const body = el("p");
  const advice = el("p", "sw-advice");
  d.append(s, goal, body, advice);
  d.update = () => {
    goal.textContent = ctx.state.step.goal;
    body.textContent = ctx.state.step.guidance;
    advice.textContent = ctx.state.step.advice;
  };
  return d;
}
function section(title, cls) {
  const s = el("section", "sw-section " + (cls || ""));
  if (title) s.appendChild(el("h3", "sw-h", title));
  return s;
}
// Locked or ended: every control of a form is disabled, and stale "Added." lines go.
function lockable(ctx, form, status) {
  const open = ctx.open();
  form.disabled = !open;
  if (!open && status) status.say("");
}
function formBox() {
  const f = el("fieldset", "sw-form");
  return f;
}
