#!/bin/sh
# The benchmark's app: nginx serving /1k (1024 bytes) on $PORT, in the foreground.
set -eu
dir=$(mktemp -d)
head -c 1024 /dev/zero | tr '\0' 'x' > "$dir/1k"
cat > "$dir/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir;
  proxy_temp_path $dir;
  fastcgi_temp_path $dir;
  uwsgi_temp_path $dir;
  scgi_temp_path $dir;
  server {
    listen 127.0.0.1:${PORT};
    location = /1k { root $dir; default_type text/plain; try_files /1k =404; }
  }
}
CONF
exec nginx -c "$dir/nginx.conf" -g 'daemon off;'
