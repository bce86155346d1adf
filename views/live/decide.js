// --- step 4: build / buy / partner ------------------------------------------------------------
function decideView(ctx) {
  const root = el("div", "sw-view");
  const help = guide(ctx);
  const hints = el("ul", "sw-hints");
  for (const c of ctx.vocab.choices) hints.appendChild(el("li", null, t("{choice} {hint}.", { choice: c.title, hint: c.hint })));
  const cards = el("div", "sw-cards-col");
  const empty = el("p", "sw-empty", t("There are no initiatives to decide on yet."));
  root.append(help, hints, cards);
  const built = {};
  return {
    el: root,
    update() {
      help.update();
      const top = ctx.state.top.map((id) => ctx.initiative(id)).filter(Boolean);
      for (const id of Object.keys(built)) if (!ctx.state.top.includes(Number(id))) delete built[id];
      top.forEach((item, i) => {
        if (!built[item.id]) built[item.id] = cardFor(ctx, item);
        built[item.id].update(item, i + 1);
      });
      arrange(cards, top.length ? top.map((item) => built[item.id].el) : [empty]);
    },
  };
}
// One top initiative: its recommendation, the room's picks, the decision and my pick.
function cardFor(ctx, item) {
  const box = section(null, "sw-decide");
  box.setAttribute("data-initiative", String(item.id));
  const parts = { h: el("h3", "sw-h"), rec: el("div", "sw-rec"), decision: el("div", "sw-decision"), split: el("p", "sw-split") };
  const pick = pickForm(ctx, item);
  box.append(parts.h, parts.rec, parts.split, parts.decision, pick.form);
  return {
    el: box,
    update(next, n) {
      paintCard(ctx, parts, next, n);
      lockable(ctx, pick.form, pick.status);
    },
  };
}
// My pick for one initiative: build, buy or partner, and one line of why.
function pickForm(ctx, item) {
  const form = formBox();
  form.appendChild(el("legend", "sw-legend", t("Your pick")));
  const d = ctx.store.get("pick-" + item.id);
  const mine = ctx.me.picks[String(item.id)] || {};
  const pick = { form, choice: d.choice || mine.choice || null, buttons: {} };
  const group = el("div", "sw-dims");
  group.setAttribute("role", "radiogroup");
  group.setAttribute("aria-label", t("Your pick for {title}", { title: item.title }));
  for (const c of ctx.vocab.choices) {
    const b = button(c.title, "sw-dim", () => { pick.choice = c.key; keepPick(ctx, item, pick); paintPick(ctx, pick); });
    b.setAttribute("role", "radio");
    b.setAttribute("data-choice", c.key);
    pick.buttons[c.key] = b;
    group.appendChild(b);
  }
  pick.reason = el("input", "sw-input");
  pick.reason.maxLength = ctx.vocab.limits.note;
  pick.reason.value = d.reason !== undefined ? d.reason : (mine.reason || "");
  pick.reason.oninput = () => keepPick(ctx, item, pick);
  pick.send = button(t("Save my pick"), "sw-primary", () => submitPick(ctx, item, pick));
  pick.status = ctx.statusLine();
  form.append(group, field(t("Why, in one line (optional)"), pick.reason), pick.send, pick.status);
  paintPick(ctx, pick);
  return pick;
}
function keepPick(ctx, item, pick) { ctx.store.set("pick-" + item.id, { choice: pick.choice, reason: pick.reason.value }); }
function paintPick(ctx, pick) {
  for (const c of ctx.vocab.choices) {
    pick.buttons[c.key].classList.toggle("on", c.key === pick.choice);
    pick.buttons[c.key].setAttribute("aria-checked", c.key === pick.choice ? "true" : "false");
  }
}
async function submitPick(ctx, item, pick) {
  if (!pick.choice) { pick.status.say(t("Choose build, buy or partner first."), true); return; }
  pick.send.disabled = true;
  const r = await ctx.send("picks", "pick-" + item.id, { initiative_id: item.id, choice: pick.choice, reason: pick.reason.value.trim() }, false);
  pick.send.disabled = false;
  pick.status.say(r.ok ? t("Your pick is in.") : r.error, !r.ok);
}
function paintCard(ctx, parts, next, n) {
  const { h, rec, split, decision } = parts;
  h.textContent = "#" + num(n) + " · " + next.title;
  rec.innerHTML = "";
  if (next.proposal) {
    rec.appendChild(el("p", "sw-rec-title", t("Recommendation: {choice}", { choice: ctx.choice(next.proposal.choice).title })));
    const ul = el("ul");
    for (const r of next.proposal.reasons) ul.appendChild(el("li", null, r));
    for (const c of next.proposal.cautions) ul.appendChild(el("li", "sw-caution", c));
    rec.appendChild(ul);
  } else rec.appendChild(el("p", "sw-muted", t("The facilitator is answering the questionnaire with the room; the recommendation appears here.")));
  const total = next.picks.build + next.picks.buy + next.picks.partner;
  split.textContent = total ? t("The room so far: {counts}", { counts: ctx.vocab.choices.map((c) => c.title + " " + num(next.picks[c.key])).join(" · ") })
    : t("No picks yet.");
  decision.textContent = next.decision ? t("Decided: {choice} ({note}). Why: {why}",
    { choice: ctx.choice(next.decision.choice).title, note: next.decision.note, why: next.decision.rationale }) : "";
  decision.hidden = !next.decision;
}
STEP_VIEWS.push(decideView);
