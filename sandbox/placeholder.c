typedef int gofn_sandbox_placeholder;
