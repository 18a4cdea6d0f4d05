// migkitd's web view: every GPU's placement units with the owning tenant, the leases, each
// tenant's quota and a slice-hour chart, refreshed every two seconds. The admin token comes from
// the URL fragment (#token=...), which browsers never send to the server.
"use strict";

const token = new URLSearchParams(location.hash.slice(1)).get("token") || "";

async function get(path) {
  const r = await fetch(path, { headers: { Authorization: "Bearer " + token } });
  const body = await r.json();
  if (!r.ok) throw new Error(path + ": " + (body.message || r.status));
  return body;
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

function renderGpus(node) {
  const root = document.getElementById("gpus");
  root.replaceChildren();
  for (const g of node.gpus) {
    const units = el("div", { class: "units" });
    const owner = new Array(g.placement_units).fill(null);
    for (const i of g.instances) {
      for (let u = i.start; u < i.start + i.size; u++) owner[u] = i;
    }
    for (let u = 0; u < g.placement_units; u++) {
      const i = owner[u];
      const state = i ? (i.lease ? "leased" : "idle") : "free";
      const text = i ? (i.start === u ? i.profile + (i.lease ? " " + i.lease.tenant : "") : "") : "";
      units.append(el("div", { class: "unit " + state, "data-gpu": g.index, title: text }, text));
    }
    root.append(el("div", { class: "gpu", id: "gpu-" + g.index },
      el("span", { class: "label" }, "GPU " + g.index + " " + g.model + (g.mig ? "" : " (MIG off)")),
      units));
  }
}

function renderTenants(tenants) {
  const root = document.getElementById("tenants");
  root.replaceChildren();
  for (const t of tenants) {
    const used = t.usage.slices, quota = t.quota.slices;
    const pct = quota > 0 ? Math.min(100, (100 * used) / quota) : 0;
    const fill = el("div", { class: "fill" });
    fill.style.width = pct + "%";  // through the CSSOM: the page's CSP refuses style attributes
    root.append(el("div", { class: "tenant", id: "tenant-" + t.name, "data-used": used, "data-quota": quota },
      el("span", { class: "label" }, t.name),
      el("span", { class: "bar" }, fill),
      " " + used + " / " + quota + " slices"));
  }
}

function renderLeases(leases) {
  const body = document.querySelector("#leases tbody");
  body.replaceChildren();
  for (const l of leases) {
    body.append(el("tr", { id: l.id },
      ...[l.id, l.tenant, l.profile, l.gpu, l.gi_id, l.mig_uuid, l.expires || "-"].map(
        (v) => el("td", {}, String(v)))));
  }
}

function renderUsage(usage) {
  const svg = document.getElementById("usage");
  const ns = "http://www.w3.org/2000/svg";
  svg.replaceChildren();
  const byTenant = {};
  for (const r of usage.rows) byTenant[r.tenant] = (byTenant[r.tenant] || 0) + r.slice_hours;
  const names = Object.keys(byTenant);
  const max = Math.max(1e-9, ...Object.values(byTenant));
  names.forEach((name, i) => {
    const h = (180 * byTenant[name]) / max;
    const bar = document.createElementNS(ns, "rect");
    bar.setAttribute("x", 20 + i * 130);
    bar.setAttribute("y", 190 - h);
    bar.setAttribute("width", 60);
    bar.setAttribute("height", h);
    bar.setAttribute("fill", "#3a7bd5");
    bar.setAttribute("data-tenant", name);
    const label = document.createElementNS(ns, "text");
    label.setAttribute("x", 20 + i * 130);
    label.setAttribute("y", 210);
    label.textContent = name + " " + byTenant[name].toFixed(3);
    svg.append(bar, label);
  });
}

async function refresh() {
  try {
    const [node, tenants, leases, usage] = await Promise.all([
      get("/v1/node"), get("/v1/tenants"), get("/v1/leases"), get("/v1/usage")]);
    document.getElementById("node").textContent = node.node;
    renderGpus(node);
    renderTenants(tenants.tenants);
    renderLeases(leases.leases);
    renderUsage(usage);
    document.getElementById("error").hidden = true;
    document.getElementById("updated").textContent = "updated " + new Date().toISOString();
  } catch (e) {
    const err = document.getElementById("error");
    err.textContent = String(e);
    err.hidden = false;
  }
}

refresh();
setInterval(refresh, 2000);
