# Build stage: the Swift toolchain image, plus libnghttp2-dev (the CNghttp2 system-library target needs its
# header and pkg-config file).
FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libnghttp2-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
COPY Seeds ./Seeds
COPY Specs ./Specs
COPY Scripts ./Scripts
# Scripts/build-release, as Benchmarks/run builds it: the Swift runtime and libstdc++ linked in, -no-pie
# (~40 000 fewer relocations at start), lld laying start-up code out together; each step's idle-RSS
# saving is in that script.
RUN cp "$(Scripts/build-release)" /usr/local/bin/understudy

# Runtime stage: a slim Debian with only what the binary links against dynamically: glibc and
# libnghttp2's shared library (HTTP/2; the Swift runtime and libstdc++ are linked statically).
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libnghttp2-14 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/local/bin/understudy /usr/local/bin/understudy
EXPOSE 8080
USER nobody
ENTRYPOINT ["understudy"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
