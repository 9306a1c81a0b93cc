module gofn/tests/hostsyms/check

go 1.26
