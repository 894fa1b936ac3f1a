"""Reading the dashboard's --trace file, shared by the latency scripts."""
import statistics


def read_events(path):
    """(timestamp in ns, event) pairs, sorted; a file_event carries its source (file_event:inotify)."""
    events = []
    with open(path) as trace:
        for line in trace:
            parts = line.split()
            events.append((int(parts[0]), parts[1] if parts[1] != "file_event" else "file_event:" + parts[2]))
    return sorted(events)


def key_latencies(events):
    """Key read -> frame flushed, in ms, for keys read while a reload was in flight."""
    latencies, in_flight, pending = [], False, None
    for t, name in events:
        if name == "reload_requested":
            in_flight = True
        elif name in ("swap", "reload_failed"):
            in_flight = False
        elif name == "key_read" and pending is None:
            pending = (t, in_flight)
        elif name == "key_frame_flushed" and pending is not None:
            if pending[1]:
                latencies.append((t - pending[0]) / 1e6)
            pending = None
    return latencies


def p99(values):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * 0.99))] if values else float("nan")


def describe(values):
    if not values:
        return "no samples"
    values = sorted(values)
    return (f"n={len(values)} median {statistics.median(values):.1f} ms, min {values[0]:.1f}, "
            f"p99 {p99(values):.1f}, max {values[-1]:.1f}")
