#!/usr/bin/env bash
# A private OpenLDAP slapd for the ldap driver's tests and benchmark, with state in
# /tmp/outpools-services/ldap/. The system slapd (if any) is never configured nor started.
#
#   127.0.0.1:13389  ldap://  (plaintext; StartTLS offered)
#   127.0.0.1:13636  ldaps:// (certificate signed by a private CA generated here)
#
# Directory: suffix dc=example,dc=com, root DN cn=admin,dc=example,dc=com, users under
# ou=people (alice, bob, and user000..user249 for paging), sizelimit 100 (paged searches are
# unlimited). Tests read ports, DNs, passwords and certificate paths from info.json in the state
# directory, and start further private slapd processes with the files kept there (slapd.conf
# template, data.ldif, certificates). Idempotent: when both ports answer, nothing is done.
#
# Usage: 40-ldap.sh         start (idempotent)
#        40-ldap.sh stop    stop this slapd
# service: a private OpenLDAP slapd on 13389/13636
# ports: 13389 13636
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"

dir=/tmp/outpools-services/ldap
port=13389
ldaps_port=13636
suffix="dc=example,dc=com"
root_dn="cn=admin,$suffix"
# Test-only credentials for a server that listens on loopback only.
root_password=outpools-ldap-root-secret
user_password=outpools-alice-secret

if [ "${1:-start}" = stop ]; then
  stop_pid_file "$dir/run/slapd.pid" slapd "ldap slapd (127.0.0.1:$port, ldaps $ldaps_port)"
  # slapd processes a test started (state in a temporary outpools-slapd-* directory) and left behind
  for proc in /proc/[0-9]*; do
    cmd=$({ tr '\0' ' ' <"$proc/cmdline"; } 2>/dev/null || true)
    case "$cmd" in
      *slapd*outpools-slapd-*) ;;
      *) continue ;;
    esac
    pid=${proc#/proc/}
    if [ "${DRY_RUN:-}" = 1 ]; then echo "test slapd: would stop pid $pid ($cmd)"; else kill "$pid" 2>/dev/null && echo "test slapd: stopped pid $pid"; fi
  done
  exit 0
fi

if port_open "$port" && port_open "$ldaps_port" && [ -f "$dir/info.json" ]; then
  echo "ldap already up on $port (ldaps $ldaps_port)"
  exit 0
fi

if ! command -v slapd >/dev/null && [ ! -x /usr/sbin/slapd ]; then
  echo "slapd slapd/no_configuration boolean true" | debconf-set-selections
  apt_install slapd ldap-utils
fi
command -v openssl >/dev/null || apt_install openssl
PATH=/usr/sbin:$PATH
mkdir -p "$dir/run" "$dir/db"
chmod 700 "$dir"

# Certificates: a CA, a server certificate for 127.0.0.1..4/::1/localhost signed by it, an
# unrelated CA, a self-signed server certificate, and one certificate per failover address
# (127.0.0.2 only, 127.0.0.3 only) to prove that TLS checks the server actually dialled.
# Generated once, kept across restarts.
cert() { # name cn san [ca]
  local name=$1 cn=$2 san=$3 ca=${4:-}
  if [ -z "$ca" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=$cn" -addext "subjectAltName=$san" \
      -keyout "$dir/$name.key" -out "$dir/$name.crt" 2>/dev/null
  else
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$cn" -keyout "$dir/$name.key" -out "$dir/$name.csr" 2>/dev/null
    printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\n' "$san" >"$dir/$name.ext"
    openssl x509 -req -in "$dir/$name.csr" -CA "$dir/$ca.crt" -CAkey "$dir/$ca.key" -CAcreateserial \
      -days 3650 -extfile "$dir/$name.ext" -out "$dir/$name.crt" 2>/dev/null
  fi
}
if [ ! -f "$dir/host3.crt" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=outpools ldap test CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=outpools unrelated CA" \
    -keyout "$dir/other-ca.key" -out "$dir/other-ca.crt" 2>/dev/null
  cert server localhost "IP:127.0.0.1,IP:127.0.0.2,IP:127.0.0.3,IP:127.0.0.4,IP:::1,DNS:localhost" ca
  cert selfsigned localhost "IP:127.0.0.1,IP:127.0.0.2,IP:127.0.0.3,IP:127.0.0.4,IP:::1,DNS:localhost"
  cert host2 127.0.0.2 "IP:127.0.0.2" ca
  cert host3 127.0.0.3 "IP:127.0.0.3" ca
fi
chmod 644 "$dir"/*.crt "$dir"/*.key

# The directory's entries: the base, ou=people with alice and bob (userPassword hashed by
# slappasswd), 250 numbered users for paging, and ou=scratch for the write tests.
if [ ! -f "$dir/data.ldif" ]; then
  alice_hash=$(slappasswd -s "$user_password")
  bob_hash=$(slappasswd -s outpools-bob-secret)
  {
    printf 'dn: %s\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: outpools test\n\n' "$suffix"
    printf 'dn: ou=people,%s\nobjectClass: organizationalUnit\nou: people\n\n' "$suffix"
    printf 'dn: ou=scratch,%s\nobjectClass: organizationalUnit\nou: scratch\n\n' "$suffix"
    printf 'dn: uid=alice,ou=people,%s\nobjectClass: inetOrgPerson\nuid: alice\ncn: Alice Liddell\nsn: Liddell\nmail: alice@example.com\nuserPassword: %s\n\n' "$suffix" "$alice_hash"
    printf 'dn: uid=bob,ou=people,%s\nobjectClass: inetOrgPerson\nuid: bob\ncn: Bob Builder\nsn: Builder\nmail: bob@example.com\nuserPassword: %s\n\n' "$suffix" "$bob_hash"
    for i in $(seq -w 0 249); do
      printf 'dn: uid=user%s,ou=people,%s\nobjectClass: inetOrgPerson\nuid: user%s\ncn: User %s\nsn: Number%s\nemployeeType: numbered\n\n' \
        "$i" "$suffix" "$i" "$i" "$i"
    done
  } >"$dir/data.ldif.tmp"
  mv "$dir/data.ldif.tmp" "$dir/data.ldif"
fi

# slapd.conf as a template: @DIR@ (state dir of one instance), @CERT@ and @KEY@ (its TLS pair)
# are filled in per instance, here and by the tests' private servers.
root_hash=$(slappasswd -s "$root_password")
cat >"$dir/slapd.conf.template" <<EOF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile @DIR@/slapd.pid
argsfile @DIR@/slapd.args
loglevel none
threads 4
TLSCACertificateFile $dir/ca.crt
TLSCertificateFile @CERT@
TLSCertificateKeyFile @KEY@

database mdb
maxsize 104857600
suffix "$suffix"
rootdn "$root_dn"
rootpw $root_hash
directory @DIR@/db
limits * size.soft=100 size.hard=100 size.pr=100 size.prtotal=unlimited
access to dn.base="" by * read
access to dn.base="cn=Subschema" by * read
access to attrs=userPassword by self write by anonymous auth by * none
access to * by * read
EOF

instance() { # state dir, cert, key
  sed -e "s|@DIR@|$1|g" -e "s|@CERT@|$2|g" -e "s|@KEY@|$3|g" "$dir/slapd.conf.template" >"$1/slapd.conf"
}
if [ -f "$dir/run/slapd.pid" ]; then
  kill "$(cat "$dir/run/slapd.pid")" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do port_open "$port" || break; sleep 0.1; done
fi
instance "$dir/run" "$dir/server.crt" "$dir/server.key"
mkdir -p "$dir/run/db"
rm -f "$dir/run/db/"*.mdb
slaptest -u -f "$dir/run/slapd.conf" >/dev/null 2>&1 || { slaptest -u -f "$dir/run/slapd.conf"; exit 1; }
slapadd -q -f "$dir/run/slapd.conf" -l "$dir/data.ldif"

slapd -f "$dir/run/slapd.conf" -h "ldap://127.0.0.1:$port/ ldaps://127.0.0.1:$ldaps_port/"
wait_port "$port" 15
wait_port "$ldaps_port" 15

cat >"$dir/info.json.tmp" <<EOF
{
  "host": "127.0.0.1",
  "port": $port,
  "ldapsPort": $ldaps_port,
  "suffix": "$suffix",
  "rootDn": "$root_dn",
  "rootPassword": "$root_password",
  "userDn": "uid=alice,ou=people,$suffix",
  "userPassword": "$user_password",
  "caFile": "$dir/ca.crt",
  "otherCaFile": "$dir/other-ca.crt",
  "certFile": "$dir/server.crt",
  "keyFile": "$dir/server.key",
  "selfSignedCertFile": "$dir/selfsigned.crt",
  "selfSignedKeyFile": "$dir/selfsigned.key",
  "host2CertFile": "$dir/host2.crt",
  "host2KeyFile": "$dir/host2.key",
  "host3CertFile": "$dir/host3.crt",
  "host3KeyFile": "$dir/host3.key",
  "template": "$dir/slapd.conf.template",
  "dataLdif": "$dir/data.ldif"
}
EOF
mv "$dir/info.json.tmp" "$dir/info.json"
echo "ldap up on $port (ldaps $ldaps_port)"
