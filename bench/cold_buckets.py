#!/usr/bin/env python3
"""Where the CPU of gofnd's cold starts goes, by process and by phase
(bench/spawn_ab.sh with PERF_OUT; docs/benchmarks.md, "Cold starts at 1,000
tenants (eighth session)"). Reads `perf script --show-task-events -F
comm,pid,tid,time,ip,sym,dso` of a `perf record -a -g -e cpu-clock` run and
puts every sample in one bucket: the first of BUCKETS (in order) whose
frames the sample's stack holds, among the buckets of its process class:
  gofnd   gofnd's own threads (pid ROOT)
  child   a process gofnd cloned, before it execs (sandbox/child.c)
  worker  that process after its exec (gofn-loader ... -worker); its
          samples are split by the time since its exec: [start] within
          START_MS (default 500), [idle] later (the idle trim, sysmon, until
          it is evicted), and its exit
  kthread a kernel thread (kworker, rcu, ksoftirqd...): its samples are
          counted only in the buckets named for work a cold start leaves
          there (a network namespace's teardown, a cgroup's release)
  other   everything else (wrk, other users of the machine): not counted
The pids of child and worker come from perf's fork events under ROOT.
Prints ms of CPU per cold start for each bucket, and the frames most often
in the samples no bucket took ("rest"), by class.
Twice, run by spawn_ab.sh right after the record, perf script named none
of the worker's Go frames (no "Go ..." bucket, a large "rest [start]"); the
same data run through it again later was named: run it again then.
Usage: perf script ... | cold_buckets.py ROOT_PID COLD_STARTS HZ [START_MS]"""
import collections
import re
import sys

root, cold, hz = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
START_MS = float(sys.argv[4]) if len(sys.argv) > 4 else 500.0

# (class, bucket name, frames: any one of them in the stack takes the sample).
# Order matters: a sample goes to the first bucket that matches.
BUCKETS = [
    # gofnd's threads
    ("gofnd", "clone: network namespace (copy_net_ns)", ["copy_net_ns"]),
    ("gofnd", "clone: other namespaces", ["create_new_namespaces", "copy_namespaces"]),
    ("gofnd", "clone: the rest of the process copy", ["copy_process"]),
    ("gofnd", "uid/gid maps", ["proc_uid_map_write", "proc_gid_map_write", "proc_setgroups_write"]),
    ("gofnd", "cgroup migration (cgroup.procs write)", ["__cgroup1_procs_write", "cgroup_procs_write",
                                                         "cgroup_attach_task", "cgroup1_procs_write"]),
    ("gofnd", "cgroup mkdir", ["cgroup_mkdir"]),
    ("gofnd", "cgroup rmdir", ["cgroup_rmdir"]),
    ("gofnd", "cgroup rename", ["kernfs_iop_rename", "cgroup1_rename"]),
    ("gofnd", "cgroup other file writes / reads", ["cgroup_file_write", "cgroup_seqfile_show",
                                                    "kernfs_fop_write_iter", "kernfs_fop_read_iter"]),
    ("gofnd", "reap (wait4, release_task)", ["__do_sys_wait4", "kernel_wait4", "do_wait", "release_task"]),
    ("gofnd", "eviction's kill", ["__x64_sys_kill", "__x64_sys_pidfd_send_signal"]),
    ("gofnd", "frame protocol: send/recv to workers", ["gofn_frame_send", "gofn_frame_recv",
                                                        "gofn_frame_sendv", "gofn_frame_recv_fds"]),
    ("gofnd", "sqlite", ["sqlite3_step", "sqlite3_prepare_v2", "sqlite3VdbeExec"]),
    ("gofnd", "libmicrohttpd (HTTP)", ["MHD_run_from_select", "MHD_connection_handle_idle",
                                       "MHD_connection_handle_read", "MHD_connection_handle_write",
                                       "MHD_accept_connection", "internal_add_connection",
                                       "thread_main_handle_connection", "MHD_queue_response"]),
    ("gofnd", "jansson", ["json_dumpb", "json_dumps", "json_loads", "json_pack", "json_vpack_ex",
                          "json_dump_callback"]),
    ("gofnd", "scheduler (switches, idle wakes)", ["schedule", "__schedule", "finish_task_switch"]),
    # the cloned child before exec
    ("child", "mounts (tmpfs root, binds, proc, remounts)", ["path_mount", "do_mount", "__x64_sys_mount",
                                                             "do_new_mount", "do_loopback",
                                                             "do_reconfigure_mnt"]),
    ("child", "pivot_root: chroot_fs_refs (walks every thread on the host)", ["chroot_fs_refs"]),
    ("child", "pivot_root, umount of the old root", ["__do_sys_pivot_root", "__x64_sys_umount",
                                                    "umount_tree", "do_umount", "ksys_umount"]),
    ("child", "close_range (gofnd's fds)", ["__do_sys_close_range", "__x64_sys_close_range"]),
    ("child", "setns (the shared root, sandbox/template.c)", ["__x64_sys_setns"]),
    ("child", "unshare (cgroup ns; on the shared root also its mount and user ns)", ["__x64_sys_unshare"]),
    ("child", "execve: the old mm's teardown", ["exec_mmap", "exit_mmap", "mmput"]),
    ("child", "execve: the ELF load", ["load_elf_binary", "bprm_execve", "do_execveat_common"]),
    ("child", "process exit (failed start)", ["do_exit"]),
    # the worker
    ("worker", "process exit (exit_mmap, files, namespaces)", ["do_exit", "do_group_exit"]),
    ("worker", "execve (from the worker's side)", ["load_elf_binary", "bprm_execve"]),
    ("worker", "ld.so and libc start", ["_dl_start", "_dl_start_final", "_dl_sysdep_start", "dl_main",
                                        "_dl_relocate_object", "_dl_map_object", "__libc_start_main",
                                        "_dl_init", "_dl_catch_exception"]),
    ("worker", "Go package inits (runtime.doInit1)", ["runtime.doInit1", "runtime.doInit"]),
    ("worker", "seccomp filter (gofn_sandbox_enter)", ["gofn_sandbox_enter", "seccomp_load",
                                                       "__x64_sys_seccomp", "do_seccomp"]),
    ("worker", "idle-trim list (/proc/self/maps)", ["gofn_worker_idle_trim_prepare"]),
    ("worker", "host tables (preload / warm)", ["gofn_loader_warm", "gofn_loader_preload"]),
    ("worker", "LOAD (gofn_module_load)", ["gofn_module_load"]),
    ("worker", "INIT (the object's init)", ["gofn_module_init", "gofn_module_run_init"]),
    ("worker", "the call", ["gofn_module_call"]),
    ("worker", "Go runtime start (rt0_go, schedinit, mstart)", ["runtime.rt0_go", "runtime.schedinit",
                                                                "runtime.mallocinit", "runtime.mcommoninit",
                                                                "runtime.newosproc", "runtime.check"]),
    ("worker", "Go GC", ["runtime.gcBgMarkWorker", "runtime.gcStart", "runtime.gcDrain",
                         "runtime.bgsweep", "runtime.bgscavenge"]),
    ("worker", "Go scheduler (findRunnable, sysmon, park)", ["runtime.findRunnable", "runtime.sysmon",
                                                             "runtime.schedule", "runtime.stopm",
                                                             "runtime.mPark", "runtime.notesleep"]),
    ("worker", "page faults elsewhere", ["asm_exc_page_fault", "exc_page_fault", "do_user_addr_fault"]),
    ("worker", "scheduler (kernel switches)", ["schedule", "__schedule", "finish_task_switch"]),
    # kernel threads: only what a cold start leaves there
    ("kthread", "netns teardown (cleanup_net)", ["cleanup_net"]),
    ("kthread", "cgroup release (css free/offline)", ["css_free_rwork_fn", "css_killed_work_fn",
                                                      "css_release_work_fn", "cgroup_destroy_locked"]),
    ("kthread", "RCU callbacks (freeing)", ["rcu_do_batch", "rcu_core"]),
    ("kthread", "mm teardown off-thread (mmdrop)", ["__mmdrop", "mmdrop_async_fn"]),
]

FORK = re.compile(r"PERF_RECORD_FORK\((\d+):(\d+)\):\((\d+):(\d+)\)")
COMM_EXEC = re.compile(r"PERF_RECORD_COMM exec: .*:(\d+)/(\d+)")
HDR = re.compile(r"^(\S.*?)\s+(-?\d+)/(-?\d+)\s+([\d.]+):\s*$")
TIME = re.compile(r"\s([\d.]+):\s")

tree = {root}  # gofnd and its descendants (processes)
execd = {}  # descendants that have exec'd: the time of their exec (0: before the record)
samples = collections.Counter()
rest = {c: collections.Counter() for c in ("gofnd", "child", "worker")}
per_class = collections.Counter()
kthread_total = 0


def klass(comm, pid):
    if pid == root:
        return "gofnd"
    if pid in tree:
        return "worker" if pid in execd else "child"
    if pid == 0 or comm.startswith(("kworker", "ksoftirqd", "rcu", "migration", "kthreadd",
                                     "swapper", "netns", "khugepaged", "kcompactd")):
        return "kthread"
    return "other"


def take(comm, pid, t, frames):
    global kthread_total
    c = klass(comm, pid)
    per_class[c] += 1
    if c == "kthread":
        kthread_total += 1
    if c == "other":
        return
    names = set(frames)
    phase = ""
    if c == "worker" and not names & {"do_exit", "do_group_exit"}:
        start = execd.get(pid, 0.0)
        phase = " [start]" if start and (t - start) * 1000 < START_MS else " [idle]"
    for bc, name, keys in BUCKETS:
        if bc == c and any(k in names for k in keys):
            samples[(c, name + phase)] += 1
            return
    if c == "kthread":
        return
    samples[(c, "rest" + phase)] += 1
    for f in names:
        rest[c][f] += 1


cur = None
frames = []
for line in sys.stdin:
    if not line.strip():
        if cur:
            take(cur[0], cur[1], cur[2], frames)
        cur, frames = None, []
        continue
    if line[0] not in " \t":
        m = FORK.search(line)
        if m:
            child, ppid = int(m.group(1)), int(m.group(3))
            if ppid in tree and child != ppid:
                tree.add(child)
                if " 0.000000:" in line:  # synthesized: alive (exec'd) at the start
                    execd[child] = 0.0
            continue
        m = COMM_EXEC.search(line)
        if m:
            pid = int(m.group(1))
            if pid in tree and pid != root:
                execd[pid] = float(TIME.search(line).group(1))
            continue
        if "PERF_RECORD" in line:
            continue
        m = HDR.match(line)
        if m:
            cur = (m.group(1).strip(), int(m.group(2)), float(m.group(4)))
            frames = []
        continue
    parts = line.split(None, 1)
    if len(parts) < 2:
        continue
    sym = parts[1].strip()
    if sym.endswith(")") and "(" in sym:
        sym = sym[:sym.rfind("(")].strip()
    frames.append(sym.split("+0x")[0])
if cur:
    take(cur[0], cur[1], cur[2], frames)

ms = lambda n: n / hz * 1000.0 / max(cold, 1)
print(f"{cold} cold starts; ms of CPU per cold start (samples at {hz:g} Hz)")
print(f"{len(tree) - 1} processes started by gofnd seen; "
      f"samples: gofnd {per_class['gofnd']}, child {per_class['child']}, worker {per_class['worker']}, "
      f"kernel threads {kthread_total} (all), others {per_class['other']}")
total = 0
for c in ("gofnd", "child", "worker", "kthread"):
    sub = 0
    names = [n for bc, n, _ in BUCKETS + [(c, "rest", None)] if bc == c]
    if c == "worker":
        names = [n + p for p in (" [start]", " [idle]") for n in names] + names
    for name in names:
        if (c, name) not in samples:
            continue
        n = samples[(c, name)]
        sub += n
        print(f"  {c:7s} {name:62s} {ms(n):7.3f}")
    print(f"  {c:7s} {'= ' + c:62s} {ms(sub):7.3f}")
    total += sub
print(f"  {'':7s} {'= counted in all':62s} {ms(total):7.3f}")
print(f"  {'':7s} {'(kernel threads, all their samples)':62s} {ms(kthread_total):7.3f}")
for c in ("gofnd", "child", "worker"):
    n = sum(v for (bc, name), v in samples.items() if bc == c and name.startswith("rest"))
    if not n:
        continue
    print(f"{c} rest: frames in most of its {n} samples (ms per cold start, inclusive)")
    for f, k in rest[c].most_common(25):
        print(f"    {ms(k):7.3f}  {f}")
