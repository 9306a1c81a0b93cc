typedef int gofn_server_placeholder;
