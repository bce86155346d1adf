// --- after the end -------------------------------------------------------------------------------
function closedView(ctx) {
  const root = el("div", "sw-view");
  root.appendChild(el("h2", "sw-closing", t("Thank you: the workshop has ended.")));
  const list = el("div", "sw-cards-col");
  list.setAttribute("data-testid", "live-closed");
  const link = el("a", "sw-link", t("Open the Ship It summary"));
  link.target = "_top";
  root.append(el("p", null, t("What the room decided:")), list);
  if (ctx.cfg.summary_url) root.appendChild(link);
  return {
    el: root,
    update() {
      link.href = ctx.cfg.summary_url;
      list.innerHTML = "";
      const decided = ctx.state.initiatives.filter((i) => i.decision);
      if (!decided.length) list.appendChild(el("p", "sw-empty", t("No decisions were recorded.")));
      for (const item of decided) {
        const box = section(null, "sw-owner");
        box.appendChild(el("h3", "sw-h", item.title));
        box.appendChild(el("p", "sw-item-line", ctx.choice(item.decision.choice).title + " · " +
          (item.owner ? t("owner {owner} · {metric}", { owner: item.owner.owner, metric: item.owner.metric }) : t("owner to be named"))));
        list.appendChild(box);
      }
    },
  };
}
