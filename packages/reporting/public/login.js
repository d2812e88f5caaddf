// The dashboard's login: the operator's key goes once to POST /api/session, which answers with an HttpOnly session
// cookie; the page never keeps the key. Shown whenever the API answers 401 (no session, or it ended).
const $ = (id) => document.getElementById(id);

const REFUSED = {
  401: 'This key is not valid.',
  403: "Only the operator's key opens the dashboard.",
};

/** Shows the login form; calls `onLogin` once a session is open. */
export function askForKey(onLogin) {
  $('dashboard').hidden = true;
  $('logout').hidden = true;
  const form = $('login');
  form.hidden = false;
  $('login-key').focus();
  form.onsubmit = async (event) => {
    event.preventDefault();
    const key = $('login-key');
    const response = await fetch('/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: key.value }),
    });
    key.value = '';
    if (!response.ok) {
      $('login-error').textContent = REFUSED[response.status] ?? `Login failed (${response.status}).`;
      return;
    }
    $('login-error').textContent = '';
    form.hidden = true;
    onLogin();
  };
}

/** The header's "Log out": `closing()` closes the page's own streams, then the session ends (the server's stream too). */
export function offerLogout(closing = () => {}) {
  const button = $('logout');
  button.hidden = false;
  button.onclick = async () => {
    closing();
    await fetch('/api/session', { method: 'DELETE' });
    location.reload();
  };
}
