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
  const form = formBox();
  form.appendChild(el("legend", "sw-legend", "Add a bottleneck"));
  const draft = ctx.store.get("bottleneck");
  let dimension = draft.dimension || ctx.vocab.dimensions[1].key;
  const dims = el("div", "sw-dims");
  dims.setAttribute("role", "radiogroup");
  dims.setAttribute("aria-label", "Dimension");
  const dimButtons = {};
  for (const d of ctx.vocab.dimensions) {
    const b = button(d.title, "sw-dim", () => { dimension = d.key; save(); paintDims(); });
    b.setAttribute("data-dim", d.key);
    b.setAttribute("role", "radio");
    dimButtons[d.key] = b;
    dims.appendChild(b);
  }
  const input = el("textarea", "sw-input");
  input.rows = 2;
  input.maxLength = ctx.vocab.limits.note;
  input.placeholder = "A bottleneck you feel today…";
  input.value = draft.text || "";
  const prompts = el("ul", "sw-prompts");
  const add = button("Add", "sw-primary sw-add", submit);
  add.setAttribute("data-testid", "live-add");
  const status = ctx.statusLine();
  input.oninput = save;
  input.onkeydown = (e) => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); submit(); } };
  form.append(dims, field("New bottleneck", input), add, status);
  const nudge = el("details", "sw-nudge");
  nudge.append(el("summary", null, "Need a nudge? Questions to ask"), prompts);
  form.appendChild(nudge);

  const budget = el("div", "sw-budget");
  budget.setAttribute("aria-live", "polite");
  const notice = el("div", "sw-notice");
  notice.setAttribute("role", "status");
  const board = el("div", "sw-board");
  board.setAttribute("data-testid", "live-board");
  root.append(help, form, budget, notice, board);

  function save() {
    const d = ctx.store.get("bottleneck");
    ctx.store.set("bottleneck", Object.assign(d, { text: input.value, dimension }));
  }
  function paintDims() {
    for (const d of ctx.vocab.dimensions) {
      dimButtons[d.key].classList.toggle("on", d.key === dimension);
      dimButtons[d.key].setAttribute("aria-checked", d.key === dimension ? "true" : "false");
    }
    prompts.innerHTML = "";
    for (const p of ctx.dimension(dimension).prompts) prompts.appendChild(el("li", null, p));
  }
  let sending = false;
  async function submit() {
    const text = input.value.trim();
    if (!text || sending) { if (!text) status.say("Write the bottleneck first.", true); return; }
    save();
    sending = true;
    add.disabled = true;
    const r = await ctx.send("bottlenecks", "bottleneck", { dimension, text }, true);
    sending = false;
    add.disabled = false;
    if (r.ok) { input.value = ""; ctx.store.set("bottleneck", { dimension }); status.say("Added. Add another, or vote below."); }
    else status.say(r.error, true);
  }

  // The order stays put while the person is voting; it re-sorts once they pause.
  const frozen = {};
  let lastVote = 0;
  const voting = {
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
  async function vote(id, remove) {
    lastVote = Date.now();
    const r = await ctx.post("votes", { bottleneck_id: id, remove });
    if (!r.ok) status.say(r.error, true);
    setTimeout(() => { if (Date.now() - lastVote >= 5000) ctx.repaint(); }, 5100);
  }
  paintDims();
  return {
    el: root,
    update() {
      help.update();
      lockable(ctx, form, status);
      const me = ctx.me;
      budget.textContent = "Votes left: " + me.votes_left + " of " + ctx.state.vote_budget;
      notice.textContent = ctx.notice;
      notice.style.display = ctx.notice ? "block" : "none";
      renderBoard(ctx, board, voting);
    },
  };
}

// --- step 2: impacts ----------------------------------------------------------------------
function impactView(ctx) {
  const root = el("div", "sw-view");
  const help = guide(ctx);
  const form = formBox();
  const legend = el("legend", "sw-legend", "Link a bottleneck to its business impact");
  const d = ctx.store.get("impact");
  const bottleneck = select([], d.bottleneck_id);
  const outcome = select(ctx.vocab.outcomes.map((o) => ({ value: o.key, text: o.title, group: o.group })), d.outcome);
  const direction = select(ctx.vocab.directions.map((x) => ({ value: x.key, text: x.title })), d.direction);
  const magnitude = select(ctx.vocab.magnitudes.map((m) => ({ value: m.key, text: m.key + " · " + m.title })), d.magnitude || 3);
  const moneyIn = el("input", "sw-input");
  moneyIn.inputMode = "decimal";
  moneyIn.placeholder = "e.g. 250000";
  moneyIn.value = d.money || "";
  const because = el("input", "sw-input");
  because.maxLength = ctx.vocab.limits.note;
  because.value = d.because || "";
  const save = button("Add impact", "sw-primary", submit);
  const cancel = button("Cancel editing", "", () => { editing = null; clearForm(); });
  cancel.hidden = true;
  const status = ctx.statusLine();
  form.append(legend, field("Bottleneck (most votes first)", bottleneck), field("Business outcome it affects", outcome),
    field("Direction", direction), field("How large", magnitude),
    field("Yearly money estimate in € (optional)", moneyIn), field("Because… (one line)", because), save, cancel, status);
  const mapSec = section("The room's impact map");
  const list = el("ul", "sw-list");
  list.setAttribute("data-testid", "live-impacts");
  mapSec.appendChild(list);
  root.append(help, form, mapSec);
  let editing = null;
  for (const c of [bottleneck, outcome, direction, magnitude, moneyIn, because]) c.addEventListener("input", keep);
  function values() {
    return { bottleneck_id: Number(bottleneck.value), outcome: outcome.value, direction: direction.value,
             magnitude: Number(magnitude.value), money: moneyIn.value.trim() || null, because: because.value.trim() };
  }
  function keep() {
    if (editing) return;
    const v = values();
    ctx.store.set("impact", Object.assign(ctx.store.get("impact"), v, { money: moneyIn.value }));
  }
  function clearForm() {
    moneyIn.value = ""; because.value = "";
    save.textContent = "Add impact"; cancel.hidden = true;
    ctx.store.set("impact", {});
  }
  async function submit() {
    const v = values();
    if (!bottleneck.value) { status.say("There is no bottleneck to link yet.", true); return; }
    save.disabled = true;
    const r = editing ? await ctx.post("impacts/edit", Object.assign({ impact_id: editing }, v))
                      : await ctx.send("impacts", "impact", v, true);
    save.disabled = false;
    if (r.ok) { status.say(editing ? "Saved." : "Impact added."); editing = null; clearForm(); }
    else status.say(r.error, true);
  }
  function edit(item) {
    editing = item.id;
    fillSelect(bottleneck, options(), item.bottleneck_id);
    outcome.value = item.outcome; direction.value = item.direction; magnitude.value = String(item.magnitude);
    moneyIn.value = item.money === null ? "" : String(item.money); because.value = item.because;
    save.textContent = "Save changes"; cancel.hidden = false;
    status.say("Editing your impact: change it and save.");
    bottleneck.focus();
  }
  async function withdraw(item) {
    const r = await ctx.post("impacts/withdraw", { impact_id: item.id });
    status.say(r.ok ? "Removed." : r.error, !r.ok);
  }
  function options() {
    return ctx.ranked().map((b) => ({ value: b.id, text: "[" + ctx.dimension(b.dimension).title + "] " + b.text.slice(0, 90) }));
  }
  return {
    el: root,
    update() {
      help.update();
      lockable(ctx, form, status);
      fillSelect(bottleneck, options());
      rebuild(list, () => fillImpacts());
    },
  };
  function fillImpacts() {
    {
      const impacts = ctx.state.impacts.slice().sort((a, b) => b.magnitude - a.magnitude || a.id - b.id);
      if (!impacts.length) list.appendChild(el("li", "sw-empty", "No impacts yet: be the first."));
      for (const item of impacts) {
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
          const e = button("Edit", "", () => edit(item), "Edit your impact: " + item.because.slice(0, 50));
          const w = button("Remove", "", () => withdraw(item), "Remove your impact: " + item.because.slice(0, 50));
          e.dataset.focusKey = "edit-" + item.id;
          w.dataset.focusKey = "withdraw-" + item.id;
          row.append(e, w);
          li.appendChild(row);
        }
        list.appendChild(li);
      }
    }
  }
}

// --- step 3: initiatives, scores, ranking --------------------------------------------------
function prioritiseView(ctx) {
  const root = el("div", "sw-view");
  const help = guide(ctx);
  const scoreSec = section("Score the initiatives");
  const progress = el("p", "sw-progress-line");
  progress.setAttribute("data-testid", "live-scored");
  const form = formBox();
  const which = el("h4", "sw-item-title");
  const sliders = {};
  const outputs = {};
  for (const c of ctx.vocab.criteria) {
    const r = el("input", "sw-range");
    r.type = "range"; r.min = c.low; r.max = c.high; r.step = c.step; r.value = c.default;
    const out = el("output", "sw-out", String(c.default));
    r.oninput = () => { out.textContent = r.value; };
    sliders[c.key] = r; outputs[c.key] = out;
    const f = field(c.label, r);
    f.querySelector("label").appendChild(out);
    form.appendChild(f);
  }
  const saveScore = button("Save my score", "sw-primary", saveMine);
  const nav = el("div", "sw-row");
  const prev = button("Previous", "", () => move(-1));
  const next = button("Next", "", () => move(1));
  nav.append(prev, next);
  const status = ctx.statusLine();
  form.insertBefore(which, form.firstChild);
  form.append(saveScore, nav, status);
  scoreSec.append(progress, form);

  const propose = el("details", "sw-propose");
  propose.appendChild(el("summary", null, "Propose an initiative"));
  const pform = formBox();
  const d = ctx.store.get("initiative");
  const title = el("input", "sw-input");
  title.maxLength = ctx.vocab.limits.short; title.value = d.title || "";
  title.placeholder = "e.g. Introduce SLOs and an error budget";
  const desc = el("textarea", "sw-input");
  desc.maxLength = ctx.vocab.limits.long; desc.rows = 2; desc.value = d.description || "";
  const links = el("fieldset", "sw-checks");
  links.appendChild(el("legend", "sw-label", "Bottlenecks it relieves"));
  const chosen = new Set(d.bottleneck_ids || []);
  const add = button("Add initiative", "sw-primary", submit);
  const pstatus = ctx.statusLine();
  pform.append(field("Initiative", title), field("What it involves (optional)", desc), links, add, pstatus);
  propose.appendChild(pform);
  for (const c of [title, desc]) c.addEventListener("input", keep);

  const rankSec = section("The room's ranking");
  const formula = el("p", "sw-formula");
  const ranking = el("ol", "sw-ranking");
  ranking.setAttribute("data-testid", "live-ranking");
  rankSec.append(formula, ranking);
  root.append(help, scoreSec, propose, rankSec);

  let current = null;
  function keep() { ctx.store.set("initiative", Object.assign(ctx.store.get("initiative"), { title: title.value, description: desc.value, bottleneck_ids: [...chosen] })); }
  function items() { return ctx.state.initiatives; }
  function scored(id) { return Boolean(ctx.me.scores[String(id)]); }
  function load(id) {
    current = id;
    const item = ctx.initiative(id);
    which.textContent = item ? item.title : "";
    const mine = ctx.me.scores[String(id)];
    for (const c of ctx.vocab.criteria) {
      const v = mine ? mine[c.key] : c.default;
      sliders[c.key].value = v; outputs[c.key].textContent = String(v);
      sliders[c.key].setAttribute("aria-valuetext", String(v));
    }
  }
  function move(step) {
    const list = items();
    const at = list.findIndex((i) => i.id === current);
    const target = list[(at + step + list.length) % list.length];
    if (target) { load(target.id); status.say(""); }
  }
  async function saveMine() {
    if (current === null) return;
    const scores = {};
    for (const c of ctx.vocab.criteria) scores[c.key] = Number(sliders[c.key].value);
    saveScore.disabled = true;
    const r = await ctx.post("scores", { initiative_id: current, scores });
    saveScore.disabled = false;
    if (!r.ok) { status.say(r.error, true); return; }
    const done = ctx.initiative(current);
    const nextUp = items().find((i) => !scored(i.id));
    if (nextUp) { load(nextUp.id); status.say("Saved “" + (done ? done.title : "") + "”. Next: " + nextUp.title + "."); }
    else status.say("Saved. You have scored every initiative: change any score with Previous / Next.");
    paintProgress();
  }
  async function submit() {
    const body = { title: title.value.trim(), description: desc.value.trim(), bottleneck_ids: [...chosen] };
    add.disabled = true;
    const r = await ctx.send("initiatives", "initiative", body, true);
    add.disabled = false;
    if (r.ok) { title.value = ""; desc.value = ""; chosen.clear(); ctx.store.set("initiative", {}); pstatus.say("Initiative added: score it above."); paintLinks(true); }
    else pstatus.say(r.error, true);
  }
  function paintLinks(force) {
    const notes = ctx.ranked();
    const sig = JSON.stringify(notes.map((b) => b.id));
    if (!force && links.__sig === sig) return;
    links.__sig = sig;
    for (const n of [...links.querySelectorAll(".sw-check")]) n.remove();
    for (const b of notes.slice(0, 40)) {
      const row = el("label", "sw-check");
      const box = el("input");
      box.type = "checkbox"; box.checked = chosen.has(b.id);
      box.onchange = () => { if (box.checked) chosen.add(b.id); else chosen.delete(b.id); keep(); };
      row.append(box, el("span", null, "[" + ctx.dimension(b.dimension).title + "] " + b.text.slice(0, 80)));
      links.appendChild(row);
    }
  }
  function paintProgress() {
    const list = items();
    const n = list.filter((i) => scored(i.id)).length;
    progress.textContent = list.length ? n + " of " + list.length + " scored" : "No initiatives yet: propose one below.";
    form.hidden = !list.length;
  }
  return {
    el: root,
    update() {
      help.update();
      lockable(ctx, form, status);
      lockable(ctx, pform, pstatus);
      const list = items();
      if (list.length && (current === null || !ctx.initiative(current))) {
        const first = list.find((i) => !scored(i.id)) || list[0];
        load(first.id);
      }
      paintProgress();
      paintLinks(false);
      formula.textContent = "Formula: " + ctx.state.method.formula + ". Each criterion is the median of the room's scores.";
      ranking.innerHTML = "";
      for (const item of list) {
        const li = el("li", "sw-item");
        li.appendChild(el("div", "sw-item-title", item.title));
        const line = item.scorers ? ctx.state.method.title + " " + item.priority_text + " · " + ctx.plural(item.scorers, "scorer")
                                  : "Not scored yet";
        li.appendChild(el("div", "sw-item-line", line));
        if (item.disputed.length) li.appendChild(el("div", "sw-flag", "The room disagrees on " + item.disputed.join(", ") + ": discuss."));
        ranking.appendChild(li);
      }
    },
  };
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
  function cardFor(item) {
    const box = section(null, "sw-decide");
    box.setAttribute("data-initiative", String(item.id));
    const h = el("h3", "sw-h");
    const rec = el("div", "sw-rec");
    const decision = el("div", "sw-decision");
    const split = el("p", "sw-split");
    const form = formBox();
    form.appendChild(el("legend", "sw-legend", "Your pick"));
    const d = ctx.store.get("pick-" + item.id);
    const mine = ctx.me.picks[String(item.id)] || {};
    let choice = d.choice || mine.choice || null;
    const group = el("div", "sw-dims");
    group.setAttribute("role", "radiogroup");
    group.setAttribute("aria-label", "Your pick for " + item.title);
    const buttons = {};
    for (const c of ctx.vocab.choices) {
      const b = button(c.title, "sw-dim", () => { choice = c.key; keep(); paintPick(); });
      b.setAttribute("role", "radio");
      b.setAttribute("data-choice", c.key);
      buttons[c.key] = b;
      group.appendChild(b);
    }
    const reason = el("input", "sw-input");
    reason.maxLength = ctx.vocab.limits.note;
    reason.value = d.reason !== undefined ? d.reason : (mine.reason || "");
    reason.oninput = keep;
    const send = button("Save my pick", "sw-primary", submit);
    const status = ctx.statusLine();
    form.append(group, field("Why, in one line (optional)", reason), send, status);
    box.append(h, rec, split, decision, form);
    function keep() { ctx.store.set("pick-" + item.id, { choice, reason: reason.value }); }
    function paintPick() {
      for (const c of ctx.vocab.choices) {
        buttons[c.key].classList.toggle("on", c.key === choice);
        buttons[c.key].setAttribute("aria-checked", c.key === choice ? "true" : "false");
      }
    }
    async function submit() {
      if (!choice) { status.say("Choose build, buy or partner first.", true); return; }
      send.disabled = true;
      const r = await ctx.send("picks", "pick-" + item.id, { initiative_id: item.id, choice, reason: reason.value.trim() }, false);
      send.disabled = false;
      status.say(r.ok ? "Your pick is in." : r.error, !r.ok);
    }
    paintPick();
    return {
      el: box,
      update(next, n) {
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
        lockable(ctx, form, status);
      },
    };
  }
  return {
    el: root,
    update() {
      help.update();
      const top = ctx.state.top.map((id) => ctx.initiative(id)).filter(Boolean);
      for (const id of Object.keys(built)) if (!ctx.state.top.includes(Number(id))) delete built[id];
      top.forEach((item, i) => {
        if (!built[item.id]) built[item.id] = cardFor(item);
        built[item.id].update(item, i + 1);
      });
      arrange(cards, top.length ? top.map((item) => built[item.id].el) : [empty]);
    },
  };
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
