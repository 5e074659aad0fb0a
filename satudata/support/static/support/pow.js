// The self-hosted spam check of the help desk's public forms (asking, the open IKM survey):
// solved in the background while the visitor writes. A proof of work: find a nonce whose
// SHA-256 with the server's signed challenge starts with the asked number of zero bits
// (satudata/support/pow.py checks it and accepts each challenge once).
(function () {
  "use strict";

  function zeroBits(bytes) {
    var count = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { count += 8; continue; }
      var b = bytes[i];
      while ((b & 0x80) === 0) { count += 1; b <<= 1; }
      return count;
    }
    return count;
  }

  async function solve(challenge, bits) {
    var encoder = new TextEncoder();
    for (var nonce = 0; nonce < 1e9; nonce++) {
      var digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(challenge + nonce)));
      if (zeroBits(digest) >= bits) { return String(nonce); }
    }
    return "";
  }

  function startCheck(form) {
    var status = form.querySelector("[data-pow-status]");
    var challengeField = form.querySelector("[name=pow_challenge]");
    var nonceField = form.querySelector("[name=pow_nonce]");
    if (!status || !challengeField || !nonceField) { return; }
    if (!window.crypto || !crypto.subtle) { status.textContent = status.dataset.unsupported; return; }
    // getAttribute, not form.dataset: the ask form has a field named "dataset", and a form's
    // named fields shadow its properties (form.dataset is that <input>).
    fetch(form.getAttribute("data-challenge-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        challengeField.value = data.challenge;
        if (!data.bits) { nonceField.value = "0"; status.textContent = status.dataset.ready; return null; }
        return solve(data.challenge, data.bits).then(function (nonce) {
          nonceField.value = nonce;
          status.textContent = status.dataset.ready;
        });
      })
      .catch(function () { status.textContent = status.dataset.failed; });
  }

  document.querySelectorAll("form[data-challenge-url]").forEach(startCheck);
})();
