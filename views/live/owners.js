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
    status.say(r.ok ? (on ? t("Thanks: the facilitator sees that you can own “{title}”.", { title: item.title })
      : t("You stepped back from “{title}”.", { title: item.title })) : r.error, !r.ok);
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
      if (!decided.length) list.appendChild(el("p", "sw-empty", t("No initiative has a decision yet.")));
      for (const item of decided) {
        const box = section(null, "sw-owner");
        box.appendChild(el("h3", "sw-h", item.title));
        box.appendChild(el("p", "sw-item-line", t("Decided: {choice}", { choice: ctx.choice(item.decision.choice).title })));
        if (item.owner) {
          const o = item.owner;
          box.append(el("p", "sw-owner-name", t("Owner: {owner}", { owner: o.owner })),
            el("p", "sw-item-line", t("{metric}: {baseline} → {target} · first check-in {date}",
              { metric: o.metric, baseline: o.baseline_text, target: o.target_text, date: o.checkin_text || o.checkin })));
        } else {
          const mine = ctx.me.volunteered.includes(item.id);
          box.appendChild(el("p", "sw-muted", tn("Owner needed · {n} volunteer", "Owner needed · {n} volunteers", item.volunteers)));
          if (ctx.open()) {
            const b = button(mine ? t("Step back") : t("I can own this"), mine ? "" : "sw-primary", () => offer(item, !mine),
              mine ? t("Step back from owning {title}", { title: item.title }) : t("Offer to own {title}", { title: item.title }));
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
STEP_VIEWS.push(ownersView);
