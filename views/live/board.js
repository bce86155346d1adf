// --- the read-only board (facilitator's step 1, projector) ---------------------------------
function boardView(ctx) {
  const node = el("div", "sw-board");
  node.setAttribute("data-testid", "live-board");
  let settle = null;
  const draw = () => renderBoard(ctx, node, null);
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
    col.setAttribute("aria-label", d.title + " bottlenecks");
    const items = voting ? voting.order(d.key, state.board[d.key] || []) : (state.board[d.key] || []);
    const h = el("h3", "sw-col-head");
    h.append(el("span", "sw-col-title", d.title), el("span", "sw-col-count", String(items.length)));
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
  foot.appendChild(el("span", "sw-votes", ctx.plural(item.votes, "vote")));
  if (voting) voting.buttons(item, foot);
  li.appendChild(foot);
  return li;
}
// Keep only the cards that fit above the bottom of the screen; say how many more there are.
// Each column is measured on its own cards (columns do not stretch to the tallest one).
function fitColumns(columns) {
  const bottom = window.innerHeight - 12;
  for (const [col, list, total] of columns) {
    const cards = [...list.children];
    const more = el("div", "sw-more", "+" + total + " more");
    col.appendChild(more);
    let shown = cards.length;
    const spare = () => bottom - more.getBoundingClientRect().bottom;
    while (shown > 0 && spare() < 0) {
      shown -= 1;
      cards[shown].remove();
      more.textContent = "+" + (total - shown) + " more";
    }
    if (shown === total) more.remove();
  }
}
