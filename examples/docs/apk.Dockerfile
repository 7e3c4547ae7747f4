FROM alpine:3.20
RUN apk add curl
USER 65532
CMD ["curl", "--version"]
