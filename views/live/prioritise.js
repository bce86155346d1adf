// --- step 3: initiatives, scores, ranking --------------------------------------------------
// The view's parts share one object `p`: the score form, the propose form and the ranking.
function prioritiseView(ctx) {
  const root = el("div", "sw-view");
  const help = guide(ctx);
  const p = { current: null };
  const scoreSec = scoreForm(ctx, p);
  const propose = proposeForm(ctx, p);
  const rankSec = section(t("The room's ranking"));
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
  const scoreSec = section(t("Score the initiatives"));
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
  p.saveScore = button(t("Save my score"), "sw-primary", () => saveScore(ctx, p));
  const nav = el("div", "sw-row");
  const prev = button(t("Previous"), "", () => moveScore(ctx, p, -1));
  const next = button(t("Next"), "", () => moveScore(ctx, p, 1));
  nav.append(prev, next);
  p.status = ctx.statusLine();
  form.insertBefore(p.which, form.firstChild);
  form.append(p.saveScore, nav, p.status);
  scoreSec.append(p.progress, form);
  return scoreSec;
}
function proposeForm(ctx, p) {
  const propose = el("details", "sw-propose");
  propose.appendChild(el("summary", null, t("Propose an initiative")));
  p.pform = formBox();
  const d = ctx.store.get("initiative");
  const title = el("input", "sw-input");
  title.maxLength = ctx.vocab.limits.short; title.value = d.title || "";
  title.placeholder = t("e.g. Introduce SLOs and an error budget");
  const desc = el("textarea", "sw-input");
  desc.maxLength = ctx.vocab.limits.long; desc.rows = 2; desc.value = d.description || "";
  p.links = el("fieldset", "sw-checks");
  p.links.appendChild(el("legend", "sw-label", t("Bottlenecks it relieves")));
  p.chosen = new Set(d.bottleneck_ids || []);
  p.add = button(t("Add initiative"), "sw-primary", () => submitInitiative(ctx, p));
  p.pstatus = ctx.statusLine();
  p.title = title; p.desc = desc;
  p.pform.append(field(t("Initiative"), title), field(t("What it involves (optional)"), desc), p.links, p.add, p.pstatus);
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
  if (nextUp) { loadScore(ctx, p, nextUp.id); p.status.say(t("Saved “{done}”. Next: {next}.", { done: done ? done.title : "", next: nextUp.title })); }
  else p.status.say(t("Saved. You have scored every initiative: change any score with Previous / Next."));
  paintScored(ctx, p);
}
async function submitInitiative(ctx, p) {
  const body = { title: p.title.value.trim(), description: p.desc.value.trim(), bottleneck_ids: [...p.chosen] };
  p.add.disabled = true;
  const r = await ctx.send("initiatives", "initiative", body, true);
  p.add.disabled = false;
  if (r.ok) {
    p.title.value = ""; p.desc.value = ""; p.chosen.clear(); ctx.store.set("initiative", {});
    p.pstatus.say(t("Initiative added: score it above.")); paintLinks(ctx, p, true);
  } else p.pstatus.say(r.error, true);
}
function paintLinks(ctx, p, force) {
  const notes = ctx.ranked();
  const sig = JSON.stringify(notes.map((b) => b.id));
  if (!force && p.links.__sig === sig) return;
  p.links.__sig = sig;
  for (const n of [...p.links.querySelectorAll(".sw-check")]) n.remove();
  for (const b of notes) { // the room state holds the notes an initiative may name, most votes first
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
  p.progress.textContent = list.length ? t("{scored} of {total} scored", { scored: num(n), total: num(list.length) }) : t("No initiatives yet: propose one below.");
  p.form.hidden = !list.length;
}
function paintRanking(ctx, p, list) {
  p.formula.textContent = t("Formula: {formula}. Each criterion is the median of the room's scores.", { formula: ctx.state.method.formula });
  p.ranking.innerHTML = "";
  for (const item of list) {
    const li = el("li", "sw-item");
    li.appendChild(el("div", "sw-item-title", item.title));
    const line = item.scorers ? ctx.state.method.title + " " + item.priority_text + " · " + tn("{n} scorer", "{n} scorers", item.scorers)
                              : t("Not scored yet");
    li.appendChild(el("div", "sw-item-line", line));
    if (item.carried) li.appendChild(el("div", "sw-item-line", t("Carried over from {code} · {n}×", { code: item.carried.code, n: num(item.carried.times) })));
    if (item.disputed.length) li.appendChild(el("div", "sw-flag", t("The room disagrees on {criteria}: discuss.", { criteria: item.disputed.map((c) => criterion(ctx, c)).join(", ") })));
    p.ranking.appendChild(li);
  }
}
function criterion(ctx, key) { const c = ctx.vocab.criteria.find((x) => x.key === key); return c ? c.label : key; }
STEP_VIEWS.push(prioritiseView);
