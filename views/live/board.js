// --- the read-only board (facilitator's step 1, projector) ---------------------------------
function boardView(ctx) {
  const node = el("div", "sw-board");
  node.setAttribute("data-testid", "live-board");
  let settle = null;
  const draw = () => {
    if (ctx.cfg.role === "projector" && readinessShowing(ctx)) node.innerHTML = ""; // the page shows the check
    else if (reviewOn(ctx)) renderReview(ctx, node);
    else if (ctx.state.private) renderCounts(ctx, node);
    else renderBoard(ctx, node, null);
  };
  // The projector fits its columns to the screen: measure again once the page has settled.
  window.addEventListener("resize", draw);
  return {
    el: node,
    update() { draw(); clearTimeout(settle); settle = setTimeout(draw, 600); },
    destroy() { window.removeEventListener("resize", draw); clearTimeout(settle); },
  };
}

// The board in three columns. `voting` (participants on step 1) adds the vote buttons;
// the projector shows the top notes per column that fit the screen and counts the rest.
function renderBoard(ctx, node, voting) {
  const state = ctx.state;
  const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.focusKey : null;
  node.innerHTML = "";
  const fit = ctx.cfg.role === "projector";
  const columns = [];
  for (const d of ctx.vocab.dimensions) {
    const col = el("section", "sw-col sw-col-" + d.key);
    col.style.borderTopColor = d.colour; // one colour per dimension, as in the charts
    col.setAttribute("data-dimension", d.key);
    col.setAttribute("aria-label", t("{dimension} bottlenecks", { dimension: d.title }));
    const items = voting ? voting.order(d.key, state.board[d.key] || []) : (state.board[d.key] || []);
    const h = el("h2", "sw-col-head");
    h.append(el("span", "sw-col-title", d.title), el("span", "sw-col-count", num(items.length)));
    col.append(h, el("div", "sw-col-scope", d.scope));
    const list = el("ul", "sw-cards");
    for (const item of items) list.appendChild(card(ctx, item, voting));
    col.appendChild(list);
    node.appendChild(col);
    columns.push([col, list, items.length]);
  }
  if (fit) fitColumns(columns);
  if (focused) { const again = node.querySelector('[data-focus-key="' + focused + '"]'); if (again) again.focus(); }
}
function card(ctx, item, voting) {
  const li = el("li", "sw-card");
  li.setAttribute("data-id", String(item.id));
  li.appendChild(el("div", "sw-text", item.text));
  const foot = el("div", "sw-foot");
  // The console names each note by its number, as the suggested duplicates and the merge lists do.
  if (ctx.cfg.role === "facilitator") foot.appendChild(el("span", "sw-id", "#" + item.id));
  foot.appendChild(el("span", "sw-votes", tn("{n} vote", "{n} votes", item.votes)));
  if (voting) voting.buttons(item, foot);
  li.appendChild(foot);
  return li;
}
// A private brainstorm: the room state has no note texts, only how many notes each dimension has.
// The projector and the console show those counts large, and say why the board is empty.
function renderCounts(ctx, node) {
  node.innerHTML = "";
  const line = el("p", "sw-private-line", t("Private brainstorm: notes stay on each phone until the facilitator reveals them."));
  line.setAttribute("data-testid", "live-private");
  node.appendChild(line);
  for (const d of ctx.vocab.dimensions) {
    const n = ctx.state.counts[d.key] || 0;
    const col = el("section", "sw-col sw-col-total");
    col.style.borderTopColor = d.colour;
    col.setAttribute("data-dimension", d.key);
    col.setAttribute("aria-label", d.title + ": " + tn("{n} note", "{n} notes", n));
    col.append(el("h2", "sw-col-head", d.title), el("div", "sw-big", num(n)), el("div", "sw-big-label", tn("note", "notes", n)));
    node.appendChild(col);
  }
}
// Keep as many cards as fit above the bottom of the screen (the best voted, since the board comes
// most votes first) and say how many are not shown. Each column is measured on its own cards
// (columns do not stretch to the tallest one).
function fitColumns(columns) {
  const bottom = window.innerHeight - 12;
  for (const [col, list, total] of columns) {
    const cards = [...list.children];
    const more = el("div", "sw-more");
    more.setAttribute("data-testid", "live-more");
    col.appendChild(more);
    let shown = cards.length;
    const say = () => { more.textContent = t("{n} more not shown", { n: num(total - shown) }); };
    say();
    const spare = () => bottom - more.getBoundingClientRect().bottom;
    while (shown > 0 && spare() < 0) {
      shown -= 1;
      cards[shown].remove();
      say();
    }
    if (shown === total) more.remove();
  }
}

// --- step 1's opening: the review of last time's commitments (every screen) ------------------
function reviewOn(ctx) { return Boolean(ctx.state.review && ctx.state.review.on); }
function renderReview(ctx, node) {
  const review = ctx.state.review;
  node.innerHTML = "";
  const box = el("section", "sw-review");
  box.setAttribute("aria-label", t("Last time's commitments"));
  box.setAttribute("data-testid", "live-review");
  box.append(el("h2", "sw-review-head", t("Last time's commitments")),
    el("p", "sw-muted", t("Review until the clock shows {clock}: done, carry over or drop?", { clock: clock(review.until) })));
  const list = el("ul", "sw-review-list");
  for (const item of review.items) list.appendChild(commitmentCard(item));
  if (!review.items.length) list.appendChild(el("li", "sw-muted", t("No earlier commitments to review.")));
  box.appendChild(list);
  node.appendChild(box);
}
function commitmentCard(item) {
  const li = el("li", "sw-commitment");
  li.setAttribute("data-id", String(item.id));
  if (item.outcome) li.setAttribute("data-outcome", item.outcome);
  li.appendChild(el("div", "sw-commitment-title", item.title));
  li.appendChild(el("div", "sw-muted", item.owner + " · " + item.metric));
  li.appendChild(el("div", "sw-commitment-figures",
    t("{value} (from {baseline} to {target}) · {progress} of the way",
      { value: item.value_text, baseline: item.baseline_text, target: item.target_text, progress: item.progress_text })));
  const tags = el("div", "sw-tags");
  tags.appendChild(el("span", "sw-tag sw-status-" + (item.status || "none"), item.status_title));
  if (item.overdue) tags.appendChild(el("span", "sw-tag sw-overdue", tn("Check-in overdue {n} day", "Check-in overdue {n} days", item.days_overdue)));
  if (item.carried_times) tags.appendChild(el("span", "sw-tag", t("Carried {n}×", { n: num(item.carried_times) })));
  tags.appendChild(el("span", "sw-tag sw-from", t("from {code}", { code: item.code })));
  li.appendChild(tags);
  if (item.outcome) li.appendChild(el("div", "sw-outcome", item.outcome_title + ": " + item.reason));
  return li;
}
