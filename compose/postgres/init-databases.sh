#!/bin/sh
# First start of the PostgreSQL volume (the image runs /docker-entrypoint-initdb.d/*.sh): one
# login role and one database per service named in SERVICE_DATABASES, each database owned by
# its role and closed to every other role; <SERVICE>_DB_PASSWORD is that role's password.
# Also runs against any server: PGHOST/PGPORT/PGUSER as psql reads them (tests/deploy/).
set -eu

for service in ${SERVICE_DATABASES:?SERVICE_DATABASES names no database}; do
    variable="$(echo "$service" | tr '[:lower:]' '[:upper:]')_DB_PASSWORD"
    password="$(printenv "$variable" || true)"
    if [ -z "$password" ]; then
        echo "init-databases: $variable is not set" >&2
        exit 1
    fi
    echo "init-databases: role and database $service" >&2
    psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --dbname postgres \
        --set role="$service" --set password="$password" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"role" OWNER :"role";
REVOKE ALL ON DATABASE :"role" FROM PUBLIC;
SQL
done
