#!/usr/bin/python3
"""Structural checks of the deployment files: the promises in them that a
run in a real engine (compose.sh) would not notice losing, and the k8s
manifests, for which no cluster runs here. Each check names the file and
the rule."""
import json
import re
import sys

import yaml

ROOT = sys.argv[1] if len(sys.argv) > 1 else "."
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def dockerfile():
    text = open(f"{ROOT}/Dockerfile").read()
    froms = re.findall(r"^FROM\s+(\S+)", text, re.M)
    check(len(froms) >= 2, "Dockerfile: multi-stage (>= 2 FROM)")
    check(froms and re.match(r"golang:1\.26\.\d+", froms[0]), "Dockerfile: build stage pins golang:1.26.x")
    runs = re.findall(r"^RUN\s+(.*)$", text, re.M)
    for r in runs:
        scripted = re.match(r"(scripts/|/usr/local/lib/gofn/)[\w./-]+\.sh", r) or r.startswith("useradd")
        check(scripted, f"Dockerfile: RUN step is a repository script: {r}")
    check("install-deps.sh" in text, "Dockerfile: uses scripts/install-deps.sh")
    check(re.search(r"^HEALTHCHECK .*?/healthz", text, re.M), "Dockerfile: HEALTHCHECK on /healthz")
    check(re.search(r"^USER\s+(?!root)\S+", text, re.M), "Dockerfile: runs as non-root")
    check(re.search(r"^VOLUME\s+/data", text, re.M), "Dockerfile: data volume")


def compose():
    d = yaml.safe_load(open(f"{ROOT}/deploy/docker-compose.yml"))
    svc = d.get("services", {}).get("gofnd")
    check(svc is not None, "compose: service gofnd")
    if not svc:
        return
    check("8080:8080" in svc.get("ports", []), "compose: port 8080")
    check(not svc.get("privileged"), "compose: not privileged")
    opts = svc.get("security_opt", [])
    prof = [o.split("=", 1)[1] for o in opts if o.startswith("seccomp=")]
    check(prof == ["./seccomp-gofn.json"], "compose: custom seccomp profile from deploy/")
    vols = svc.get("volumes", [])
    check(any(v.startswith("gofn-data:/data") for v in vols), "compose: named volume on /data")
    check("gofn-data" in (d.get("volumes") or {}), "compose: volume gofn-data declared")
    check(svc.get("cap_drop") == ["ALL"], "compose: drops all capabilities")


def compose_postgres():
    d = yaml.safe_load(open(f"{ROOT}/deploy/docker-compose.postgres.yml"))
    svc = d.get("services", {})
    env = svc.get("gofnd", {}).get("environment", {})
    check(env.get("GOFN_STORE") == "postgres", "compose.postgres: gofnd GOFN_STORE=postgres")
    check("postgres" in env.get("GOFN_DATABASE_URL", ""), "compose.postgres: gofnd GOFN_DATABASE_URL")
    check(svc.get("postgres", {}).get("healthcheck"), "compose.postgres: postgres has a healthcheck")
    check(svc.get("gofnd", {}).get("depends_on", {}).get("postgres", {}).get("condition") == "service_healthy",
          "compose.postgres: gofnd waits for a healthy postgres")


def seccomp():
    d = json.load(open(f"{ROOT}/deploy/seccomp-gofn.json"))
    check(d.get("defaultAction") == "SCMP_ACT_ERRNO", "seccomp: default deny")
    names = {}
    for g in d.get("syscalls", []):
        check(g.get("comment"), f"seccomp: group {g.get('names', [])[:3]} has a reason")
        for n in g.get("names", []):
            check(n not in names, f"seccomp: {n} listed twice")
            names[n] = g["action"]
    for need in ("clone", "unshare", "mount", "pivot_root", "seccomp"):
        check(names.get(need) == "SCMP_ACT_ALLOW", f"seccomp: allows {need} (sandbox needs it)")
    for never in ("kexec_load", "init_module", "bpf", "ptrace", "reboot", "swapon"):
        check(never not in names, f"seccomp: does not allow {never}")


def k8s_docs(name):
    docs = [x for x in yaml.safe_load_all(open(f"{ROOT}/deploy/k8s/{name}")) if x]
    for x in docs:
        check(x.get("apiVersion") and x.get("metadata", {}).get("name"),
              f"k8s/{name}: {x.get('kind')} has apiVersion and name")
    return {x["kind"]: x for x in docs}


def k8s_pod(name, kinds):
    dep = kinds.get("Deployment")
    check(dep is not None, f"k8s/{name}: has a Deployment")
    if not dep:
        return None
    spec = dep["spec"]["template"]["spec"]
    check(dep["spec"]["selector"]["matchLabels"].items() <= dep["spec"]["template"]["metadata"]["labels"].items(),
          f"k8s/{name}: selector matches template labels")
    c = spec["containers"][0]
    check(c.get("readinessProbe", {}).get("httpGet", {}).get("path") == "/healthz", f"k8s/{name}: readiness probe /healthz")
    check(c.get("livenessProbe", {}).get("httpGet", {}).get("path") == "/healthz", f"k8s/{name}: liveness probe /healthz")
    check(c.get("resources", {}).get("limits", {}).get("memory"), f"k8s/{name}: memory limit")
    check(spec["securityContext"].get("runAsNonRoot") is True, f"k8s/{name}: runAsNonRoot")
    check(spec["securityContext"]["seccompProfile"]["type"] == "Localhost", f"k8s/{name}: custom seccomp profile")
    check(c["securityContext"]["capabilities"]["drop"] == ["ALL"], f"k8s/{name}: drops all capabilities")
    check(not c["securityContext"].get("privileged"), f"k8s/{name}: not privileged")
    svc = kinds.get("Service")
    check(svc is not None, f"k8s/{name}: has a Service")
    if svc:
        check(svc["spec"]["selector"] == dep["spec"]["selector"]["matchLabels"], f"k8s/{name}: service selects the pods")
    return dep


def k8s():
    kinds = k8s_docs("gofnd.yaml")
    check("PersistentVolumeClaim" in kinds, "k8s/gofnd.yaml: has a PersistentVolumeClaim")
    dep = k8s_pod("gofnd.yaml", kinds)
    if dep:
        check(dep["spec"]["replicas"] == 1 and dep["spec"]["strategy"]["type"] == "Recreate",
              "k8s/gofnd.yaml: SQLite: one replica, never two writers")


def k8s_postgres():
    name = "gofnd-postgres.yaml"
    kinds = k8s_docs(name)
    check("PersistentVolumeClaim" not in kinds, f"k8s/{name}: no volume claim (replicas share only the database)")
    dep = k8s_pod(name, kinds)
    if not dep:
        return
    spec = dep["spec"]["template"]["spec"]
    env = {v["name"]: v for v in spec["containers"][0].get("env", [])}
    check(env.get("GOFN_STORE", {}).get("value") == "postgres", f"k8s/{name}: GOFN_STORE=postgres")
    check("secretKeyRef" in env.get("GOFN_DATABASE_URL", {}).get("valueFrom", {}), f"k8s/{name}: database URL from a secret")
    check(all("emptyDir" in v for v in spec.get("volumes", [])), f"k8s/{name}: /data is a local cache (emptyDir)")
    check(dep["spec"]["replicas"] > 1, f"k8s/{name}: several replicas")


for f in (dockerfile, compose, compose_postgres, seccomp, k8s, k8s_postgres):
    try:
        f()
    except Exception as e:  # a missing key is a broken manifest, not a crash of the check
        failures.append(f"{f.__name__}: {type(e).__name__}: {e}")

for m in failures:
    print("FAIL", m)
print(f"deploy: {0 if failures else 1} passed, {1 if failures else 0} failed")
sys.exit(1 if failures else 0)
