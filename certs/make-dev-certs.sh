#!/bin/sh
# SPDX-License-Identifier: MIT
#
# make-dev-certs.sh - a development PKI for ocppgw, openssl CLI only.
#
#   certs/make-dev-certs.sh [OUTDIR] [IDENTITY ...]
#
# OUTDIR defaults to certs/dev (gitignored); identities default to CP1 CP2.
# Idempotent: files that exist are kept, so re-running only adds what is
# missing (delete OUTDIR to start over).  Never use these keys in production.
#
# Writes:
#   ca.pem ca.key                     dev CA (RSA-2048, 10 years)
#   server-rsa.pem/.key               RSA-2048 server leaf, CN=localhost,
#   server-rsa-chain.pem              SAN DNS:localhost, IP:127.0.0.1 (+ chain)
#   server-ecdsa.pem/.key             ECDSA P-256 server leaf, same names
#   server-ecdsa-chain.pem
#   pile-ID.pem/.key                  pile client certs: CN=ID, O="ocppgw dev CPO"
#   test certificates for profile 3 refusals (all for identity CP1):
#     pile-expired.pem/.key           expired (2020)
#     pile-selfsigned.pem/.key        self-signed
#     foreign-ca.pem/.key, pile-foreign.pem/.key   signed by another CA
#     pile-wrongcn.pem/.key           CN=CP999 from the dev CA
#     pile-wrongo.pem/.key            CN=CP1, O="Someone Else" from the dev CA
set -eu

OUT=${1:-$(dirname "$0")/dev}
[ $# -gt 0 ] && shift
IDS=${*:-CP1 CP2}
ORG="ocppgw dev CPO"
mkdir -p "$OUT"
cd "$OUT"
umask 077

rsa_key() { [ -f "$1" ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; }
ec_key() { [ -f "$1" ] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# sign NAME SUBJECT EXTFILE CA_PEM CA_KEY DAYS
sign() {
	[ -f "$1.pem" ] && return 0
	openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
	openssl x509 -req -in "$1.csr" -CA "$4" -CAkey "$5" -set_serial "0x$(openssl rand -hex 16)" \
		-days "$6" -sha256 -extfile "$3" -out "$1.pem" 2>/dev/null
	rm -f "$1.csr"
}

cat > server.ext <<X
basicConstraints=CA:FALSE
keyUsage=digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
X
cat > client.ext <<X
basicConstraints=CA:FALSE
keyUsage=digitalSignature,keyAgreement
extendedKeyUsage=clientAuth
X

# --- CA
rsa_key ca.key
[ -f ca.pem ] || openssl req -x509 -new -key ca.key -sha256 -days 3650 \
	-subj "/O=$ORG/CN=ocppgw dev CA" -addext basicConstraints=critical,CA:TRUE \
	-addext keyUsage=critical,keyCertSign,cRLSign -out ca.pem

# --- server leaves (RSA for old piles, ECDSA for cheap handshakes)
rsa_key server-rsa.key
sign server-rsa "/O=$ORG/CN=localhost" server.ext ca.pem ca.key 825
ec_key server-ecdsa.key
sign server-ecdsa "/O=$ORG/CN=localhost" server.ext ca.pem ca.key 825
for k in rsa ecdsa; do
	[ -f server-$k-chain.pem ] || cat server-$k.pem ca.pem > server-$k-chain.pem
done

# --- pile client certificates
for id in $IDS; do
	ec_key "pile-$id.key"
	sign "pile-$id" "/O=$ORG/CN=$id" client.ext ca.pem ca.key 365
done

# --- refusal cases for profile 3 tests (identity CP1)
ec_key pile-wrongcn.key
sign pile-wrongcn "/O=$ORG/CN=CP999" client.ext ca.pem ca.key 365
ec_key pile-wrongo.key
sign pile-wrongo "/O=Someone Else/CN=CP1" client.ext ca.pem ca.key 365

ec_key pile-selfsigned.key
[ -f pile-selfsigned.pem ] || openssl req -x509 -new -key pile-selfsigned.key -sha256 -days 365 \
	-subj "/O=$ORG/CN=CP1" -out pile-selfsigned.pem

ec_key foreign-ca.key
[ -f foreign-ca.pem ] || openssl req -x509 -new -key foreign-ca.key -sha256 -days 3650 \
	-subj "/O=Foreign/CN=foreign CA" -addext basicConstraints=critical,CA:TRUE \
	-addext keyUsage=critical,keyCertSign -out foreign-ca.pem
ec_key pile-foreign.key
sign pile-foreign "/O=$ORG/CN=CP1" client.ext foreign-ca.pem foreign-ca.key 365

# expired: `openssl x509 -req` cannot back-date, `openssl ca` can
ec_key pile-expired.key
if [ ! -f pile-expired.pem ]; then
	rm -rf ca.db && mkdir ca.db && : > ca.db/index.txt
	openssl rand -hex 16 > ca.db/serial
	cat > ca.db/ca.cnf <<X
[ca]
default_ca=dev
[dev]
database=ca.db/index.txt
serial=ca.db/serial
new_certs_dir=ca.db
default_md=sha256
policy=any
unique_subject=no
copy_extensions=none
[any]
commonName=supplied
organizationName=optional
[ext]
basicConstraints=CA:FALSE
extendedKeyUsage=clientAuth
X
	openssl req -new -key pile-expired.key -subj "/O=$ORG/CN=CP1" -out pile-expired.csr
	openssl ca -batch -config ca.db/ca.cnf -cert ca.pem -keyfile ca.key -in pile-expired.csr \
		-startdate 20200101000000Z -enddate 20200201000000Z -extensions ext \
		-out pile-expired.pem -notext 2>/dev/null
	rm -rf ca.db pile-expired.csr
fi
rm -f server.ext client.ext
chmod 644 ./*.pem
echo "dev PKI in $(pwd)"
