// Handwritten e-signature: draw on the canvas with finger or mouse; the PNG goes with the ballot.
document.querySelectorAll("form.vote-form").forEach(function (form) {
  var canvas = form.querySelector("canvas.signature-pad");
  if (!canvas) return;
  var ctx = canvas.getContext("2d");
  var drawing = false, drawn = false;
  ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.strokeStyle = "#111";
  function point(e) {
    var r = canvas.getBoundingClientRect();
    return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
  }
  canvas.addEventListener("pointerdown", function (e) { drawing = true; var p = point(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]); e.preventDefault(); });
  canvas.addEventListener("pointermove", function (e) { if (!drawing) return; var p = point(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); drawn = true; e.preventDefault(); });
  ["pointerup", "pointerleave", "pointercancel"].forEach(function (t) { canvas.addEventListener(t, function () { drawing = false; }); });
  form.querySelector(".clear-signature").addEventListener("click", function () { ctx.clearRect(0, 0, canvas.width, canvas.height); drawn = false; });
  form.addEventListener("submit", function (e) {
    if (!drawn) { e.preventDefault(); alert("请先手写签名。"); return; }
    form.querySelector("input[name=signature]").value = canvas.toDataURL("image/png");
  });
});
