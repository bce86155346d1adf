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
  const review = el("div", "sw-review-host");
  root.append(review, help, note.form, budget, notice, board);
  const voting = votingFor(ctx, note.status);
  let wasPrivate = false;
  return {
    el: root,
    update() {
      const reviewing = reviewOn(ctx); // step 1 opens with last time's commitments: no notes yet
      for (const part of [help, note.form, budget, board]) part.hidden = reviewing;
      review.hidden = !reviewing;
      if (reviewing) { notice.style.display = "none"; renderReview(ctx, review); return; }
      help.update();
      paintPrompts(ctx, note);
      lockable(ctx, note.form, note.status);
      const me = ctx.me;
      const hidden = Boolean(ctx.state.private); // a private brainstorm: my notes only, no voting until the reveal
      if (wasPrivate && !hidden) note.status.say(""); // "it stays on your phone" is over once revealed
      wasPrivate = hidden;
      budget.hidden = hidden;
      budget.textContent = t("Votes left: {left} of {budget}", { left: num(me.votes_left), budget: num(ctx.state.vote_budget) });
      notice.textContent = ctx.notice;
      notice.style.display = ctx.notice ? "block" : "none";
      if (hidden) renderMine(ctx, board);
      else renderBoard(ctx, board, voting);
    },
  };
}
// A private brainstorm on a phone: its own notes per dimension (from `me.mine`, never the room
// state) and how many notes the room has written so far.
function renderMine(ctx, node) {
  node.innerHTML = "";
  const mine = ctx.me.mine || [];
  const counts = ctx.state.counts;
  const line = el("div", "sw-private-line");
  line.setAttribute("data-testid", "live-private");
  line.append(el("p", null, t("Private brainstorm: your notes stay on your phone until the facilitator reveals the board. Voting opens then.")),
    el("p", null, t("The room so far: {counts}", { counts: ctx.vocab.dimensions.map((d) => d.title + " " + num(counts[d.key] || 0)).join(" · ") })));
  node.appendChild(line);
  if (!mine.length) { node.appendChild(el("p", "sw-empty sw-private-empty", t("Your notes appear here once you add them."))); return; }
  for (const d of ctx.vocab.dimensions) {
    const items = mine.filter((n) => n.dimension === d.key);
    if (!items.length) continue;
    const col = el("section", "sw-col sw-col-" + d.key);
    col.style.borderTopColor = d.colour;
    col.setAttribute("data-dimension", d.key);
    col.setAttribute("aria-label", t("Your {dimension} notes", { dimension: d.title }));
    const h = el("h3", "sw-col-head");
    h.append(el("span", "sw-col-title", t("Your {dimension}", { dimension: d.title })), el("span", "sw-col-count", num(items.length)));
    const list = el("ul", "sw-cards");
    list.setAttribute("data-testid", "live-mine");
    for (const item of items) {
      const li = el("li", "sw-card sw-own");
      li.setAttribute("data-id", String(item.id));
      li.appendChild(el("div", "sw-text", item.text));
      list.appendChild(li);
    }
    col.append(h, list);
    node.appendChild(col);
  }
}
// The form that adds a note: its controls, the chosen dimension and whether it is sending.
function noteForm(ctx) {
  const note = { form: formBox(), sending: false };
  note.form.appendChild(el("legend", "sw-legend", t("Add a bottleneck")));
  const draft = ctx.store.get("bottleneck");
  note.dimension = draft.dimension || ctx.vocab.dimensions[1].key;
  const dims = dimRadios(ctx, note);
  const input = el("textarea", "sw-input");
  input.rows = 2;
  input.maxLength = ctx.vocab.limits.note;
  input.placeholder = t("A bottleneck you feel today…");
  input.value = draft.text || "";
  note.input = input;
  note.prompts = el("ul", "sw-prompts");
  note.add = button(t("Add"), "sw-primary sw-add", () => submitNote(ctx, note));
  note.add.setAttribute("data-testid", "live-add");
  note.status = ctx.statusLine();
  input.oninput = () => saveNote(ctx, note);
  input.onkeydown = (e) => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); submitNote(ctx, note); } };
  note.form.append(dims, field(t("New bottleneck"), input), note.add, note.status);
  const nudge = el("details", "sw-nudge");
  nudge.setAttribute("data-testid", "live-nudge");
  note.promptNote = el("p", "sw-muted");
  nudge.append(el("summary", null, t("Need a nudge? Questions to ask")), note.promptNote, note.prompts);
  note.form.appendChild(nudge);
  paintDims(ctx, note);
  return note;
}
function dimRadios(ctx, note) {
  const dims = el("div", "sw-dims");
  dims.setAttribute("role", "radiogroup");
  dims.setAttribute("aria-label", t("Dimension"));
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
}
// Every dimension's prompts, those the readiness check's weakest areas point to first.
function paintPrompts(ctx, note) {
  const r = ctx.state.readiness;
  const checked = Boolean(r && r.respondents);
  const order = checked ? r.dimension_order : ctx.vocab.dimensions.map((d) => d.key);
  const weak = checked ? r.weakest.map((k) => (ctx.vocab.readiness.areas.find((a) => a.key === k) || { title: k }).title) : [];
  const sig = order.join() + "|" + weak.join();
  if (note.promptSig === sig) return;
  note.promptSig = sig;
  note.promptNote.textContent = weak.length ? tn("Ordered by the readiness check: {areas} is the weakest.",
    "Ordered by the readiness check: {areas} are the weakest.", weak.length, { areas: weak.join(" · ") }) : "";
  note.promptNote.hidden = !weak.length;
  note.prompts.innerHTML = "";
  for (const key of order) {
    const d = ctx.dimension(key);
    const item = el("li", "sw-prompt-dim");
    item.setAttribute("data-dimension", key);
    const list = el("ul");
    for (const p of d.prompts) list.appendChild(el("li", null, p));
    item.append(el("strong", null, d.title + " — " + d.scope), list);
    note.prompts.appendChild(item);
  }
}
async function submitNote(ctx, note) {
  const text = note.input.value.trim();
  if (!text || note.sending) { if (!text) note.status.say(t("Write the bottleneck first."), true); return; }
  saveNote(ctx, note);
  note.sending = true;
  note.add.disabled = true;
  const dimension = note.dimension;
  const r = await ctx.send("bottlenecks", "bottleneck", { dimension, text }, true);
  note.sending = false;
  note.add.disabled = false;
  if (r.ok) {
    note.input.value = "";
    ctx.store.set("bottleneck", { dimension: note.dimension });
    note.status.say(ctx.state.private ? t("Added: it stays on your phone until the reveal.") : t("Added. Add another, or vote below."));
  }
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
        foot.appendChild(el("span", "sw-mine", t("yours: {n}", { n: num(mine) })));
        const minus = button("−", "sw-vote minus", () => vote(item.id, true), t("Take a vote back from: {note}", { note: item.text.slice(0, 60) }));
        minus.dataset.focusKey = "minus-" + item.id;
        foot.appendChild(minus);
      }
      const plus = button("+1", "sw-vote plus", () => vote(item.id, false), t("Vote for: {note}", { note: item.text.slice(0, 60) }));
      plus.dataset.focusKey = "plus-" + item.id;
      plus.disabled = ctx.me.votes_left <= 0;
      foot.appendChild(plus);
    },
  };
}
STEP_VIEWS.push(bottlenecksView);
