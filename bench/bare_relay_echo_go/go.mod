module gofn/bench/bare_relay_echo_go

go 1.26

require gofn/loader/host v0.0.0

// The worker's own netpoller wait (loader/host/fdwait), not a copy of it.
replace gofn/loader/host => ../../loader/host
