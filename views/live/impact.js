// --- step 2: impacts ----------------------------------------------------------------------
function impactView(ctx) {
  const root = el("div", "sw-view");
  const help = guide(ctx);
  const f = impactForm(ctx);
  const mapSec = section(t("The room's impact map"));
  const list = el("ul", "sw-list");
  list.setAttribute("data-testid", "live-impacts");
  mapSec.appendChild(list);
  root.append(help, f.form, mapSec);
  return {
    el: root,
    update() {
      help.update();
      lockable(ctx, f.form, f.status);
      fillSelect(f.bottleneck, impactOptions(ctx));
      rebuild(list, () => fillImpacts(ctx, f, list));
    },
  };
}
const IMPACT_MAGNITUDE = 3; // the add form's starting size: "Significant"
// The impact form: its controls and the id of the impact being edited (null while adding).
function impactForm(ctx) {
  const form = formBox();
  const legend = el("legend", "sw-legend", t("Link a bottleneck to its business impact"));
  const d = ctx.store.get("impact");
  const f = { form, editing: null };
  f.bottleneck = select([], d.bottleneck_id);
  f.outcome = select(ctx.vocab.outcomes.map((o) => ({ value: o.key, text: o.title, group: o.group })), d.outcome);
  f.direction = select(ctx.vocab.directions.map((x) => ({ value: x.key, text: x.title })), d.direction);
  f.magnitude = select(ctx.vocab.magnitudes.map((m) => ({ value: m.key, text: num(m.key) + " · " + m.title })), d.magnitude || IMPACT_MAGNITUDE);
  f.moneyIn = el("input", "sw-input");
  f.moneyIn.inputMode = "decimal";
  f.moneyIn.placeholder = t("e.g. {amount}", { amount: "250000" });
  f.moneyIn.value = d.money || "";
  f.because = el("input", "sw-input");
  f.because.maxLength = ctx.vocab.limits.note;
  f.because.value = d.because || "";
  f.save = button(t("Add impact"), "sw-primary", () => submitImpact(ctx, f));
  f.cancel = button(t("Cancel editing"), "", () => { f.editing = null; clearImpact(ctx, f); });
  f.cancel.hidden = true;
  f.status = ctx.statusLine();
  form.append(legend, field(t("Bottleneck (most votes first)"), f.bottleneck), field(t("Business outcome it affects"), f.outcome),
    field(t("Direction"), f.direction), field(t("How large"), f.magnitude),
    field(t("Yearly money estimate in € (optional)"), f.moneyIn), field(t("Because… (one line)"), f.because), f.save, f.cancel, f.status);
  for (const c of [f.bottleneck, f.outcome, f.direction, f.magnitude, f.moneyIn, f.because]) c.addEventListener("input", () => keepImpact(ctx, f));
  return f;
}
function impactValues(f) {
  return { bottleneck_id: Number(f.bottleneck.value), outcome: f.outcome.value, direction: f.direction.value,
           magnitude: Number(f.magnitude.value), money: f.moneyIn.value.trim() || null, because: f.because.value.trim() };
}
function keepImpact(ctx, f) {
  if (f.editing) return;
  const v = impactValues(f);
  ctx.store.set("impact", Object.assign(ctx.store.get("impact"), v, { money: f.moneyIn.value }));
}
// Back to an empty add form (after an add, an edit or Cancel): no value of the last impact stays.
function clearImpact(ctx, f) {
  for (const s of [f.bottleneck, f.outcome, f.direction]) s.selectedIndex = s.options.length ? 0 : -1;
  f.magnitude.value = String(IMPACT_MAGNITUDE);
  f.moneyIn.value = ""; f.because.value = "";
  f.save.textContent = t("Add impact"); f.cancel.hidden = true;
  ctx.store.set("impact", {});
}
async function submitImpact(ctx, f) {
  const v = impactValues(f);
  if (!f.bottleneck.value) { f.status.say(t("There is no bottleneck to link yet."), true); return; }
  f.save.disabled = true;
  const r = f.editing ? await ctx.post("impacts/edit", Object.assign({ impact_id: f.editing }, v))
                      : await ctx.send("impacts", "impact", v, true);
  f.save.disabled = false;
  if (r.ok) { f.status.say(f.editing ? t("Saved.") : t("Impact added.")); f.editing = null; clearImpact(ctx, f); }
  else f.status.say(r.error, true);
}
function editImpact(ctx, f, item) {
  f.editing = item.id;
  fillSelect(f.bottleneck, impactOptions(ctx), item.bottleneck_id);
  f.outcome.value = item.outcome; f.direction.value = item.direction; f.magnitude.value = String(item.magnitude);
  f.moneyIn.value = item.money === null ? "" : String(item.money); f.because.value = item.because;
  f.save.textContent = t("Save changes"); f.cancel.hidden = false;
  f.status.say(t("Editing your impact: change it and save."));
  f.bottleneck.focus();
}
async function withdrawImpact(ctx, f, item) {
  const r = await ctx.post("impacts/withdraw", { impact_id: item.id });
  f.status.say(r.ok ? t("Removed.") : r.error, !r.ok);
}
function impactOptions(ctx) {
  return ctx.ranked().map((b) => ({ value: b.id, text: "[" + ctx.dimension(b.dimension).title + "] " + b.text.slice(0, 90) }));
}
function fillImpacts(ctx, f, list) {
  const impacts = ctx.state.impacts.slice().sort((a, b) => b.magnitude - a.magnitude || a.id - b.id);
  if (!impacts.length) list.appendChild(el("li", "sw-empty", t("No impacts yet: be the first.")));
  for (const item of impacts) list.appendChild(impactItem(ctx, f, item));
}
function impactItem(ctx, f, item) {
  const li = el("li", "sw-item");
  const b = ctx.bottleneck(item.bottleneck_id);
  const mag = ctx.vocab.magnitudes.find((m) => m.key === item.magnitude);
  li.append(el("div", "sw-item-title", b ? b.text : t("A bottleneck no longer on the board")),
    el("div", "sw-item-why", becauseLine(ctx.outcome(item.outcome).title, item.direction, item.because)),
    el("div", "sw-item-line", (mag ? mag.title : "") + (item.money_text ? " · " + item.money_text : "")));
  if (ctx.me.impacts.includes(item.id) && ctx.open()) {
    const row = el("div", "sw-row");
    const e = button(t("Edit"), "", () => editImpact(ctx, f, item), t("Edit your impact: {because}", { because: item.because.slice(0, 50) }));
    const w = button(t("Remove"), "", () => withdrawImpact(ctx, f, item), t("Remove your impact: {because}", { because: item.because.slice(0, 50) }));
    e.dataset.focusKey = "edit-" + item.id;
    w.dataset.focusKey = "withdraw-" + item.id;
    row.append(e, w);
    li.appendChild(row);
  }
  return li;
}
// "It makes delivery throughput worse, because engineers wait on reviews." (under the bottleneck's
// text), one sentence per direction so every language can word it. In English the person's own words
// keep their case, except a plain first word ("Engineers", not "SSO"), which the sentence continues in
// lower case; other languages keep the words as written (German nouns stay capitalised).
function plainLower(text) {
  if (LANG !== "en") return text;
  const first = text.split(/\s/)[0];
  const plain = first.length > 1 && /^\p{Lu}/u.test(first) && first.slice(1) === first.slice(1).toLowerCase();
  return plain ? text[0].toLowerCase() + text.slice(1) : text;
}
function becauseLine(outcome, direction, because) {
  const why = plainLower(because.trim().replace(/^because\b[\s,:…-]*/i, "")).replace(/[.!?…]$/, "");
  const values = { outcome: plainLower(outcome), why };
  if (direction === "better") return why ? t("It holds {outcome} back from improving, because {why}.", values)
    : t("It holds {outcome} back from improving.", values);
  return why ? t("It makes {outcome} worse, because {why}.", values) : t("It makes {outcome} worse.", values);
}
STEP_VIEWS.push(impactView);
