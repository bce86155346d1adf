// Hands a credential signed in on this page to the server, which keeps it in an HttpOnly cookie
// (POST /api/live/CODE/session): a refresh keeps who is looking, and no address ever holds it.
// Each credential is posted once per page load, however often the page reruns.
export default function (component) {
  const { code, secrets } = component.data;
  const sent = (window.__swRemembered = window.__swRemembered || {});
  for (const secret of secrets) remember(sent, code, secret);
}
function remember(sent, code, secret) {
  const key = code + " " + secret;
  if (sent[key]) return;
  sent[key] = true;
  fetch("/api/live/" + encodeURIComponent(code) + "/session", {
    method: "POST", headers: { "Content-Type": "application/json" }, credentials: "same-origin",
    body: JSON.stringify({ token: secret }),
  }).then((resp) => { if (!resp.ok) delete sent[key]; }, () => { delete sent[key]; });
}
