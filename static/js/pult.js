// A page that answers a form sent with POST (a form error, a refused step) tells its own address
// (<meta name="pult-address">): the browser's history is pointed there, so a reload shows the page again
// instead of sending the form a second time.
(function () {
  var address = document.querySelector("meta[name='pult-address']");
  if (address && window.history && window.history.replaceState) {
    window.history.replaceState(null, "", address.content);
  }
})();
// Small behaviours that need no round trip. Everything works without JavaScript too, except the
// contact picker's search (the new-contact fields remain).
document.addEventListener("click", function (event) {
  var button = event.target.closest(".pick-contact");
  if (!button) return;
  var form = button.closest("form");
  form.querySelector("input[name='contact']").value = button.dataset.contactId;
  form.querySelector("#chosen-contact").textContent = "✔ " + button.dataset.contactLabel;
  form.querySelector("#contact-results").innerHTML = "";
});
// The notification form: choosing a channel fills in the contact's number, address or e-mail.
document.addEventListener("change", function (event) {
  var select = event.target;
  if (!select.name || !select.name.endsWith("channel")) return;
  var recipient = select.form && select.form.querySelector("[data-addresses]");
  if (!recipient) return;
  recipient.dataset.addresses.split("|").forEach(function (pair) {
    var parts = pair.split("=");
    if (parts[0] === select.value) recipient.value = parts.slice(1).join("=");
  });
});
// A control marked data-autosubmit (the language switch) sends its form as soon as it changes. No inline
// handlers anywhere: the Content-Security-Policy allows only scripts from static files.
document.addEventListener("change", function (event) {
  var control = event.target.closest && event.target.closest("[data-autosubmit]");
  if (control && control.form) control.form.submit();
});
// A search box that fills a select (data-lookup, the ticket list's customer and contact filters): typing in
// it must not send the filter form it sits in, so its change event stops before reaching the form.
document.addEventListener(
  "change",
  function (event) {
    if (event.target.matches && event.target.matches("[data-lookup]")) event.stopPropagation();
  },
  true
);
