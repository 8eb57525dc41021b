// Small behaviours shared by the staff portal and the mobile view.
document.addEventListener("htmx:responseError", (event) => {
  const box = document.createElement("div");
  box.className = "alert alert-danger position-fixed bottom-0 end-0 m-3";
  box.setAttribute("role", "alert");
  box.textContent = document.documentElement.lang === "en"
    ? "The request failed. Please try again."
    : "请求未成功，请重试。";
  document.body.appendChild(box);
  setTimeout(() => box.remove(), 6000);
});
