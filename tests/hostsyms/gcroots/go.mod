module gofn/tests/hostsyms/gcroots

go 1.26
