typedef int gofn_api_placeholder;
