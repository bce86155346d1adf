// The participant's part of each step, one view per step in the order of the vocabulary's
// steps (`workshop/steps.py`, sent by `room.vocabulary()`), plus the closing view after the end.
// A view is built once when the room enters the step and then only updated, so what a
// person is typing or choosing is never wiped by the room's changes.
const STEP_VIEWS = [bottlenecksView, impactView, prioritiseView, decideView, ownersView];

// The view for a step key, or the closing view ("closed") once the workshop has ended.
function stepView(ctx, key) {
  if (key === "closed") return closedView;
  return STEP_VIEWS[ctx.vocab.steps.findIndex((s) => s.key === key)];
}

// How this step works: collapsed, so the form is the first thing on a phone.
function guide(ctx) {
  const d = el("details", "sw-guide");
  const s = el("summary", null, "How this step works");
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

// --- step 1: bottlenecks and dot voting --------------------------------------------------
function bottlenecksView(ctx) {
  const root = el("div", "sw-view");
  const help = guide(ctx);
  const note = noteForm(ctx);
  const budget = el("div", "sw-budget");
  budget.setAttribute("aria-live", "polite");
  const notice = el("div", "sw-notice");
  notice.setAttribute("role", "status");
  const board = el("div", "sw-board");
  board.setAttribute("data-testid", "live-board");
  root.append(help, note.form, budget, notice, board);
  const voting = votingFor(ctx, note.status);
  return {
    el: root,
    update() {
      help.update();
      lockable(ctx, note.form, note.status);
      const me = ctx.me;
      budget.textContent = "Votes left: " + me.votes_left + " of " + ctx.state.vote_budget;
      notice.textContent = ctx.notice;
      notice.style.display = ctx.notice ? "block" : "none";
      renderBoard(ctx, board, voting);
    },
  };
}
// The form that adds a note: its controls, the chosen dimension and whether it is sending.
function noteForm(ctx) {
  const note = { form: formBox(), sending: false };
  note.form.appendChild(el("legend", "sw-legend", "Add a bottleneck"));
  const draft = ctx.store.get("bottleneck");
  note.dimension = draft.dimension || ctx.vocab.dimensions[1].key;
  const dims = dimRadios(ctx, note);
  const input = el("textarea", "sw-input");
  input.rows = 2;
  input.maxLength = ctx.vocab.limits.note;
  input.placeholder = "A bottleneck you feel today…";
  input.value = draft.text || "";
  note.input = input;
  note.prompts = el("ul", "sw-prompts");
  note.add = button("Add", "sw-primary sw-add", () => submitNote(ctx, note));
  note.add.setAttribute("data-testid", "live-add");
  note.status = ctx.statusLine();
  input.oninput = () => saveNote(ctx, note);
  input.onkeydown = (e) => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); submitNote(ctx, note); } };
  note.form.append(dims, field("New bottleneck", input), note.add, note.status);
  const nudge = el("details", "sw-nudge");
  nudge.append(el("summary", null, "Need a nudge? Questions to ask"), note.prompts);
  note.form.appendChild(nudge);
  paintDims(ctx, note);
  return note;
}
function dimRadios(ctx, note) {
  const dims = el("div", "sw-dims");
  dims.setAttribute("role", "radiogroup");
  dims.setAttribute("aria-label", "Dimension");
  note.dimButtons = {};
  for (const d of ctx.vocab.dimensions) {
    const b = button(d.title, "sw-dim", () => { note.dimension = d.key; saveNote(ctx, note); paintDims(ctx, note); });
    b.setAttribute("data-dim", d.key);
    b.setAttribute("role", "radio");
    note.dimButtons[d.key] = b;
    dims.appendChild(b);
  }
  return dims;
}
function saveNote(ctx, note) {
  const d = ctx.store.get("bottleneck");
  ctx.store.set("bottleneck", Object.assign(d, { text: note.input.value, dimension: note.dimension }));
}
function paintDims(ctx, note) {
  for (const d of ctx.vocab.dimensions) {
    note.dimButtons[d.key].classList.toggle("on", d.key === note.dimension);
    note.dimButtons[d.key].setAttribute("aria-checked", d.key === note.dimension ? "true" : "false");
  }
  note.prompts.innerHTML = "";
  for (const p of ctx.dimension(note.dimension).prompts) note.prompts.appendChild(el("li", null, p));
}
async function submitNote(ctx, note) {
  const text = note.input.value.trim();
  if (!text || note.sending) { if (!text) note.status.say("Write the bottleneck first.", true); return; }
  saveNote(ctx, note);
  note.sending = true;
  note.add.disabled = true;
  const dimension = note.dimension;
  const r = await ctx.send("bottlenecks", "bottleneck", { dimension, text }, true);
  note.sending = false;
  note.add.disabled = false;
  if (r.ok) { note.input.value = ""; ctx.store.set("bottleneck", { dimension: note.dimension }); note.status.say("Added. Add another, or vote below."); }
  else note.status.say(r.error, true);
}
// The board's vote buttons. The order stays put while the person is voting; it re-sorts once they pause.
function votingFor(ctx, status) {
  const frozen = {};
  let lastVote = 0;
  async function vote(id, remove) {
    lastVote = Date.now();
    const r = await ctx.post("votes", { bottleneck_id: id, remove });
    if (!r.ok) status.say(r.error, true);
    setTimeout(() => { if (Date.now() - lastVote >= 5000) ctx.repaint(); }, 5100);
  }
  return {
    order(dim, items) {
      const calm = Date.now() - lastVote > 5000;
      if (calm || !frozen[dim]) { frozen[dim] = items.map((i) => i.id); return items; }
      const byId = new Map(items.map((i) => [i.id, i]));
      const kept = frozen[dim].filter((id) => byId.has(id)).map((id) => byId.get(id));
      const fresh = items.filter((i) => !frozen[dim].includes(i.id));
      frozen[dim] = kept.concat(fresh).map((i) => i.id);
      return kept.concat(fresh);
    },
    buttons(item, foot) {
      if (!ctx.open()) return;
      const mine = ctx.me.votes[String(item.id)] || 0;
      if (mine > 0) {
        foot.appendChild(el("span", "sw-mine", "yours: " + mine));
        const minus = button("−", "sw-vote minus", () => vote(item.id, true), "Take a vote back from: " + item.text.slice(0, 60));
        minus.dataset.focusKey = "minus-" + item.id;
        foot.appendChild(minus);
      }
      const plus = button("+1", "sw-vote plus", () => vote(item.id, false), "Vote for: " + item.text.slice(0, 60));
      plus.dataset.focusKey = "plus-" + item.id;
      plus.disabled = ctx.me.votes_left <= 0;
      foot.appendChild(plus);
    },
  };
}

// --- step 2: impacts ----------------------------------------------------------------------
function impactView(ctx) {
  const root = el("div", "sw-view");
  const help = guide(ctx);
  const f = impactForm(ctx);
  const mapSec = section("The room's impact map");
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
// The impact form: its controls and the id of the impact being edited (null while adding).
function impactForm(ctx) {
  const form = formBox();
  const legend = el("legend", "sw-legend", "Link a bottleneck to its business impact");
  const d = ctx.store.get("impact");
  const f = { form, editing: null };
  f.bottleneck = select([], d.bottleneck_id);
  f.outcome = select(ctx.vocab.outcomes.map((o) => ({ value: o.key, text: o.title, group: o.group })), d.outcome);
  f.direction = select(ctx.vocab.directions.map((x) => ({ value: x.key, text: x.title })), d.direction);
  f.magnitude = select(ctx.vocab.magnitudes.map((m) => ({ value: m.key, text: m.key + " · " + m.title })), d.magnitude || 3);
  f.moneyIn = el("input", "sw-input");
  f.moneyIn.inputMode = "decimal";
  f.moneyIn.placeholder = "e.g. 250000";
  f.moneyIn.value = d.money || "";
  f.because = el("input", "sw-input");
  f.because.maxLength = ctx.vocab.limits.note;
  f.because.value = d.because || "";
  f.save = button("Add impact", "sw-primary", () => submitImpact(ctx, f));
  f.cancel = button("Cancel editing", "", () => { f.editing = null; clearImpact(ctx, f); });
  f.cancel.hidden = true;
  f.status = ctx.statusLine();
  form.append(legend, field("Bottleneck (most votes first)", f.bottleneck), field("Business outcome it affects", f.outcome),
    field("Direction", f.direction), field("How large", f.magnitude),
    field("Yearly money estimate in € (optional)", f.moneyIn), field("Because… (one line)", f.because), f.save, f.cancel, f.status);
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
function clearImpact(ctx, f) {
  f.moneyIn.value = ""; f.because.value = "";
  f.save.textContent = "Add impact"; f.cancel.hidden = true;
  ctx.store.set("impact", {});
}
async function submitImpact(ctx, f) {
  const v = impactValues(f);
  if (!f.bottleneck.value) { f.status.say("There is no bottleneck to link yet.", true); return; }
  f.save.disabled = true;
  const r = f.editing ? await ctx.post("impacts/edit", Object.assign({ impact_id: f.editing }, v))
                      : await ctx.send("impacts", "impact", v, true);
  f.save.disabled = false;
  if (r.ok) { f.status.say(f.editing ? "Saved." : "Impact added."); f.editing = null; clearImpact(ctx, f); }
  else f.status.say(r.error, true);
}
function editImpact(ctx, f, item) {
  f.editing = item.id;
  fillSelect(f.bottleneck, impactOptions(ctx), item.bottleneck_id);
  f.outcome.value = item.outcome; f.direction.value = item.direction; f.magnitude.value = String(item.magnitude);
  f.moneyIn.value = item.money === null ? "" : String(item.money); f.because.value = item.because;
  f.save.textContent = "Save changes"; f.cancel.hidden = false;
  f.status.say("Editing your impact: change it and save.");
  f.bottleneck.focus();
}
async function withdrawImpact(ctx, f, item) {
  const r = await ctx.post("impacts/withdraw", { impact_id: item.id });
  f.status.say(r.ok ? "Removed." : r.error, !r.ok);
}
function impactOptions(ctx) {
  return ctx.ranked().map((b) => ({ value: b.id, text: "[" + ctx.dimension(b.dimension).title + "] " + b.text.slice(0, 90) }));
}
function fillImpacts(ctx, f, list) {
  const impacts = ctx.state.impacts.slice().sort((a, b) => b.magnitude - a.magnitude || a.id - b.id);
  if (!impacts.length) list.appendChild(el("li", "sw-empty", "No impacts yet: be the first."));
  for (const item of impacts) list.appendChild(impactItem(ctx, f, item));
}
function impactItem(ctx, f, item) {
  const li = el("li", "sw-item");
  const b = ctx.bottleneck(item.bottleneck_id);
  const dir = ctx.vocab.directions.find((x) => x.key === item.direction);
  const mag = ctx.vocab.magnitudes.find((m) => m.key === item.magnitude);
  li.append(el("div", "sw-item-title", b ? b.text : "A bottleneck no longer on the board"),
    el("div", "sw-item-line", ctx.outcome(item.outcome).title + " · " + (dir ? dir.title : "") + " · " + (mag ? mag.title : "") +
      (item.money_text ? " · " + item.money_text : "")),
    el("div", "sw-item-why", "Because " + item.because));
  if (item.by === ctx.me.participant_id && ctx.open()) {
    const row = el("div", "sw-row");
    const e = button("Edit", "", () => editImpact(ctx, f, item), "Edit your impact: " + item.because.slice(0, 50));
    const w = button("Remove", "", () => withdrawImpact(ctx, f, item), "Remove your impact: " + item.because.slice(0, 50));
    e.dataset.focusKey = "edit-" + item.id;
    w.dataset.focusKey = "withdraw-" + item.id;
    row.append(e, w);
    li.appendChild(row);
  }
  return li;
}

// --- step 3: initiatives, scores, ranking --------------------------------------------------
// The view's parts share one object `p`: the score form, the propose form and the ranking.
function prioritiseView(ctx) {
  const root = el("div", "sw-view");
  const help = guide(ctx);
  const p = { current: null };
  const scoreSec = scoreForm(ctx, p);
  const propose = proposeForm(ctx, p);
  const rankSec = section("The room's ranking");
  p.formula = el("p", "sw-formula");
  p.ranking = el("ol", "sw-ranking");
  p.ranking.setAttribute("data-testid", "live-ranking");
  rankSec.append(p.formula, p.ranking);
  root.append(help, scoreSec, propose, rankSec);
  return {
    el: root,
    update() {
      help.update();
      lockable(ctx, p.form, p.status);
      lockable(ctx, p.pform, p.pstatus);
      const list = ctx.state.initiatives;
      if (list.length && (p.current === null || !ctx.initiative(p.current))) {
        const first = list.find((i) => !scored(ctx, i.id)) || list[0];
        loadScore(ctx, p, first.id);
      }
      paintScored(ctx, p);
      paintLinks(ctx, p, false);
      paintRanking(ctx, p, list);
    },
  };
}
// One initiative at a time: a slider per criterion, Save, and Previous / Next.
function scoreForm(ctx, p) {
  const scoreSec = section("Score the initiatives");
  p.progress = el("p", "sw-progress-line");
  p.progress.setAttribute("data-testid", "live-scored");
  const form = formBox();
  p.form = form;
  p.which = el("h4", "sw-item-title");
  p.sliders = {};
  p.outputs = {};
  for (const c of ctx.vocab.criteria) {
    const r = el("input", "sw-range");
    r.type = "range"; r.min = c.low; r.max = c.high; r.step = c.step; r.value = c.default;
    const out = el("output", "sw-out", String(c.default));
    r.oninput = () => { out.textContent = r.value; };
    p.sliders[c.key] = r; p.outputs[c.key] = out;
    const f = field(c.label, r);
    f.querySelector("label").appendChild(out);
    form.appendChild(f);
  }
  p.saveScore = button("Save my score", "sw-primary", () => saveScore(ctx, p));
  const nav = el("div", "sw-row");
  const prev = button("Previous", "", () => moveScore(ctx, p, -1));
  const next = button("Next", "", () => moveScore(ctx, p, 1));
  nav.append(prev, next);
  p.status = ctx.statusLine();
  form.insertBefore(p.which, form.firstChild);
  form.append(p.saveScore, nav, p.status);
  scoreSec.append(p.progress, form);
  return scoreSec;
}
function proposeForm(ctx, p) {
  const propose = el("details", "sw-propose");
  propose.appendChild(el("summary", null, "Propose an initiative"));
  p.pform = formBox();
  const d = ctx.store.get("initiative");
  const title = el("input", "sw-input");
  title.maxLength = ctx.vocab.limits.short; title.value = d.title || "";
  title.placeholder = "e.g. Introduce SLOs and an error budget";
  const desc = el("textarea", "sw-input");
  desc.maxLength = ctx.vocab.limits.long; desc.rows = 2; desc.value = d.description || "";
  p.links = el("fieldset", "sw-checks");
  p.links.appendChild(el("legend", "sw-label", "Bottlenecks it relieves"));
  p.chosen = new Set(d.bottleneck_ids || []);
  p.add = button("Add initiative", "sw-primary", () => submitInitiative(ctx, p));
  p.pstatus = ctx.statusLine();
  p.title = title; p.desc = desc;
  p.pform.append(field("Initiative", title), field("What it involves (optional)", desc), p.links, p.add, p.pstatus);
  propose.appendChild(p.pform);
  for (const c of [title, desc]) c.addEventListener("input", () => keepInitiative(ctx, p));
  return propose;
}
function keepInitiative(ctx, p) {
  ctx.store.set("initiative", Object.assign(ctx.store.get("initiative"), { title: p.title.value, description: p.desc.value, bottleneck_ids: [...p.chosen] }));
}
function scored(ctx, id) { return Boolean(ctx.me.scores[String(id)]); }
function loadScore(ctx, p, id) {
  p.current = id;
  const item = ctx.initiative(id);
  p.which.textContent = item ? item.title : "";
  const mine = ctx.me.scores[String(id)];
  for (const c of ctx.vocab.criteria) {
    const v = mine ? mine[c.key] : c.default;
    p.sliders[c.key].value = v; p.outputs[c.key].textContent = String(v);
    p.sliders[c.key].setAttribute("aria-valuetext", String(v));
  }
}
function moveScore(ctx, p, step) {
  const list = ctx.state.initiatives;
  const at = list.findIndex((i) => i.id === p.current);
  const target = list[(at + step + list.length) % list.length];
  if (target) { loadScore(ctx, p, target.id); p.status.say(""); }
}
async function saveScore(ctx, p) {
  if (p.current === null) return;
  const scores = {};
  for (const c of ctx.vocab.criteria) scores[c.key] = Number(p.sliders[c.key].value);
  p.saveScore.disabled = true;
  const r = await ctx.post("scores", { initiative_id: p.current, scores });
  p.saveScore.disabled = false;
  if (!r.ok) { p.status.say(r.error, true); return; }
  const done = ctx.initiative(p.current);
  const nextUp = ctx.state.initiatives.find((i) => !scored(ctx, i.id));
  if (nextUp) { loadScore(ctx, p, nextUp.id); p.status.say("Saved “" + (done ? done.title : "") + "”. Next: " + nextUp.title + "."); }
  else p.status.say("Saved. You have scored every initiative: change any score with Previous / Next.");
  paintScored(ctx, p);
}
async function submitInitiative(ctx, p) {
  const body = { title: p.title.value.trim(), description: p.desc.value.trim(), bottleneck_ids: [...p.chosen] };
  p.add.disabled = true;
  const r = await ctx.send("initiatives", "initiative", body, true);
  p.add.disabled = false;
  if (r.ok) {
    p.title.value = ""; p.desc.value = ""; p.chosen.clear(); ctx.store.set("initiative", {});
    p.pstatus.say("Initiative added: score it above."); paintLinks(ctx, p, true);
  } else p.pstatus.say(r.error, true);
}
function paintLinks(ctx, p, force) {
  const notes = ctx.ranked();
  const sig = JSON.stringify(notes.map((b) => b.id));
  if (!force && p.links.__sig === sig) return;
  p.links.__sig = sig;
  for (const n of [...p.links.querySelectorAll(".sw-check")]) n.remove();
  for (const b of notes.slice(0, 40)) {
    const row = el("label", "sw-check");
    const box = el("input");
    box.type = "checkbox"; box.checked = p.chosen.has(b.id);
    box.onchange = () => { if (box.checked) p.chosen.add(b.id); else p.chosen.delete(b.id); keepInitiative(ctx, p); };
    row.append(box, el("span", null, "[" + ctx.dimension(b.dimension).title + "] " + b.text.slice(0, 80)));
    p.links.appendChild(row);
  }
}
function paintScored(ctx, p) {
  const list = ctx.state.initiatives;
  const n = list.filter((i) => scored(ctx, i.id)).length;
  p.progress.textContent = list.length ? n + " of " + list.length + " scored" : "No initiatives yet: propose one below.";
  p.form.hidden = !list.length;
}
function paintRanking(ctx, p, list) {
  p.formula.textContent = "Formula: " + ctx.state.method.formula + ". Each criterion is the median of the room's scores.";
  p.ranking.innerHTML = "";
  for (const item of list) {
    const li = el("li", "sw-item");
    li.appendChild(el("div", "sw-item-title", item.title));
    const line = item.scorers ? ctx.state.method.title + " " + item.priority_text + " · " + ctx.plural(item.scorers, "scorer")
                              : "Not scored yet";
    li.appendChild(el("div", "sw-item-line", line));
    if (item.disputed.length) li.appendChild(el("div", "sw-flag", "The room disagrees on " + item.disputed.join(", ") + ": discuss."));
    p.ranking.appendChild(li);
  }
}

// --- step 4: build / buy / partner ------------------------------------------------------------
function decideView(ctx) {
  const root = el("div", "sw-view");
  const help = guide(ctx);
  const hints = el("ul", "sw-hints");
  for (const c of ctx.vocab.choices) hints.appendChild(el("li", null, c.title + " " + c.hint + "."));
  const cards = el("div", "sw-cards-col");
  const empty = el("p", "sw-empty", "There are no initiatives to decide on yet.");
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
  form.appendChild(el("legend", "sw-legend", "Your pick"));
  const d = ctx.store.get("pick-" + item.id);
  const mine = ctx.me.picks[String(item.id)] || {};
  const pick = { form, choice: d.choice || mine.choice || null, buttons: {} };
  const group = el("div", "sw-dims");
  group.setAttribute("role", "radiogroup");
  group.setAttribute("aria-label", "Your pick for " + item.title);
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
  pick.send = button("Save my pick", "sw-primary", () => submitPick(ctx, item, pick));
  pick.status = ctx.statusLine();
  form.append(group, field("Why, in one line (optional)", pick.reason), pick.send, pick.status);
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
  if (!pick.choice) { pick.status.say("Choose build, buy or partner first.", true); return; }
  pick.send.disabled = true;
  const r = await ctx.send("picks", "pick-" + item.id, { initiative_id: item.id, choice: pick.choice, reason: pick.reason.value.trim() }, false);
  pick.send.disabled = false;
  pick.status.say(r.ok ? "Your pick is in." : r.error, !r.ok);
}
function paintCard(ctx, parts, next, n) {
  const { h, rec, split, decision } = parts;
  h.textContent = "#" + n + " · " + next.title;
  rec.innerHTML = "";
  if (next.proposal) {
    rec.appendChild(el("p", "sw-rec-title", "Recommendation: " + ctx.choice(next.proposal.choice).title));
    const ul = el("ul");
    for (const r of next.proposal.reasons) ul.appendChild(el("li", null, r));
    for (const c of next.proposal.cautions) ul.appendChild(el("li", "sw-caution", c));
    rec.appendChild(ul);
  } else rec.appendChild(el("p", "sw-muted", "The facilitator is answering the questionnaire with the room; the recommendation appears here."));
  const total = next.picks.build + next.picks.buy + next.picks.partner;
  split.textContent = total ? "The room so far: " + ctx.vocab.choices.map((c) => c.title + " " + next.picks[c.key]).join(" · ") : "No picks yet.";
  decision.textContent = next.decision ? "Decided: " + ctx.choice(next.decision.choice).title +
    (next.decision.overruled ? " (overrules the recommendation to " + ctx.choice(next.decision.recommendation).title.toLowerCase() + ")" : "") +
    ". Why: " + next.decision.rationale : "";
  decision.hidden = !next.decision;
}

// --- step 5: owners --------------------------------------------------------------------------
function ownersView(ctx) {
  const root = el("div", "sw-view");
  const help = guide(ctx);
  const list = el("div", "sw-cards-col");
  list.setAttribute("data-testid", "live-owners");
  const status = ctx.statusLine();
  root.append(help, status, list);
  async function offer(item, on) {
    const r = await ctx.post("volunteers", { initiative_id: item.id, on });
    status.say(r.ok ? (on ? "Thanks: the facilitator sees that you can own “" + item.title + "”." : "You stepped back from “" + item.title + "”.") : r.error, !r.ok);
  }
  return {
    el: root,
    update() {
      help.update();
      if (!ctx.open()) status.say("");
      rebuild(list, fill);
    },
  };
  function fill() {
    {
      const decided = ctx.state.initiatives.filter((i) => i.decision);
      if (!decided.length) list.appendChild(el("p", "sw-empty", "No initiative has a decision yet."));
      for (const item of decided) {
        const box = section(null, "sw-owner");
        box.appendChild(el("h3", "sw-h", item.title));
        box.appendChild(el("p", "sw-item-line", "Decided: " + ctx.choice(item.decision.choice).title));
        if (item.owner) {
          const o = item.owner;
          box.append(el("p", "sw-owner-name", "Owner: " + o.owner),
            el("p", "sw-item-line", o.metric + ": " + o.baseline_text + " → " + o.target_text + " · first check-in " + o.checkin));
        } else {
          const mine = ctx.me.volunteered.includes(item.id);
          box.appendChild(el("p", "sw-muted", "Owner needed · " + ctx.plural(item.volunteers.length, "volunteer")));
          if (ctx.open()) {
            const b = button(mine ? "Step back" : "I can own this", mine ? "" : "sw-primary", () => offer(item, !mine),
              (mine ? "Step back from owning " : "Offer to own ") + item.title);
            b.setAttribute("aria-pressed", mine ? "true" : "false");
            b.dataset.focusKey = "offer-" + item.id;
            box.appendChild(b);
          }
        }
        list.appendChild(box);
      }
    }
  }
}

// --- after the end -------------------------------------------------------------------------------
function closedView(ctx) {
  const root = el("div", "sw-view");
  root.appendChild(el("h2", "sw-closing", "Thank you: the workshop has ended."));
  const list = el("div", "sw-cards-col");
  list.setAttribute("data-testid", "live-closed");
  const link = el("a", "sw-link", "Open the Ship It summary");
  link.target = "_top";
  root.append(el("p", null, "What the room decided:"), list);
  if (ctx.cfg.summary_url) root.appendChild(link);
  return {
    el: root,
    update() {
      link.href = ctx.cfg.summary_url;
      list.innerHTML = "";
      const decided = ctx.state.initiatives.filter((i) => i.decision);
      if (!decided.length) list.appendChild(el("p", "sw-empty", "No decisions were recorded."));
      for (const item of decided) {
        const box = section(null, "sw-owner");
        box.appendChild(el("h3", "sw-h", item.title));
        box.appendChild(el("p", "sw-item-line", ctx.choice(item.decision.choice).title +
          (item.owner ? " · owner " + item.owner.owner + " · " + item.owner.metric : " · owner to be named")));
        list.appendChild(box);
      }
    },
  };
}
