// "Remove my data": at the foot of a participant's screen in every step and after the end. A
// confirmation first says what goes and what stays (the server words it, for keeping the notes
// without a name or deleting them too); then one POST, after which this screen's token stands for
// nobody, so the element stops following the room and says so. Text is placed with textContent only.
function eraseControl(live) {
  const box = el("section", "sw-erase");
  box.setAttribute("aria-label", t("Your data"));
  const open = button(t("Remove my data"), "sw-erase-open", () => showErase(live, box));
  open.setAttribute("data-testid", "erase-open");
  box.appendChild(open);
  return box;
}
async function showErase(live, box) {
  const r = await post(live, "erase/preview", {});
  box.replaceChildren();
  if (!r.ok) { box.appendChild(el("p", "sw-status bad", r.error)); box.appendChild(eraseBack(live, box)); return; }
  const panel = el("div", "sw-erase-panel");
  panel.setAttribute("role", "group");
  panel.setAttribute("aria-labelledby", "sw-erase-title");
  const title = el("h2", "sw-h", t("Remove my data?"));
  title.id = "sw-erase-title";
  const notes = el("input");
  notes.type = "checkbox";
  notes.setAttribute("data-testid", "erase-notes");
  const check = el("label", "sw-check");
  check.append(notes, el("span", null, t("Also delete my notes and impacts")));
  const what = el("p", "sw-erase-what");
  what.setAttribute("data-testid", "erase-what");
  what.setAttribute("aria-live", "polite");
  const say = () => { what.textContent = notes.checked ? r.delete_notes : r.keep_notes; };
  notes.onchange = say;
  say();
  const status = statusLine();
  const go = button(t("Yes, remove my data"), "sw-erase-go", () => eraseNow(live, box, notes.checked, status));
  go.setAttribute("data-testid", "erase-confirm");
  const actions = el("div", "sw-erase-actions");
  actions.append(go, eraseBack(live, box));
  panel.append(title, what, check, el("p", "sw-hint", t("This cannot be undone.")), actions, status);
  box.appendChild(panel);
  title.tabIndex = -1;
  title.focus();
}
function eraseBack(live, box) {
  return button(t("Cancel"), "sw-erase-cancel", () => box.replaceWith(eraseControl(live)));
}
async function eraseNow(live, box, deleteNotes, status) {
  const r = await post(live, "erase", { delete_notes: deleteNotes });
  if (!r.ok) { status.say(r.error, true); return; }
  stop(live);
  try { localStorage.removeItem("sw-draft:" + live.cfg.code + ":" + live.cfg.token); } catch (e) {}
  const done = el("div", "sw-view sw-erased");
  done.setAttribute("data-testid", "erase-done");
  done.setAttribute("role", "status");
  const heading = el("h2", "sw-h", t("Your data has been removed."));
  heading.tabIndex = -1;
  done.appendChild(heading);
  done.appendChild(el("p", null, deleteNotes
    ? t("Your name and answers are gone from this workshop, and so are your notes and impacts.")
    : t("Your name and answers are gone from this workshop; your notes stay on the board without a name.")));
  const again = el("a", "sw-link", t("Join again"));
  again.href = "/?join=" + encodeURIComponent(live.cfg.code);
  again.target = "_top";
  done.appendChild(again);
  live.dom.wrap.replaceChildren(done);
  heading.focus(); // the button that had focus is gone: keep the reader here, not at the page's top
  for (const line of document.querySelectorAll(".st-key-who-am-i")) line.remove(); // the page's "You are …" (views/room.py)
}
