// libnghttp2 (Debian's libnghttp2-dev): HTTP/2 framing, HPACK and flow control for HTTPCore.
#if __has_include(<nghttp2/nghttp2.h>)
#include <nghttp2/nghttp2.h>
#else
#error "understudy needs libnghttp2's headers for HTTP/2: apt-get install -y libnghttp2-dev pkg-config"
#endif
