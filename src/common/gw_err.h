/* SPDX-License-Identifier: MIT
 *
 * gw_err.h - the one error vocabulary of ocppgw.
 *
 * Every function that can fail returns int: GW_OK (0) or a negative GW_E*
 * code, results travel through out-parameters.  Exactly one function per
 * wire maps these codes to the outside world: rpc_error_code() to OCPP
 * CALLERROR spellings per version, api_error_status() to HTTP.
 */
#ifndef GW_ERR_H
#define GW_ERR_H

enum gw_err {
	GW_OK = 0,
	GW_ENOMEM = -1,      /* allocation failed */
	GW_EINVAL = -2,      /* bad argument (our own caller's mistake) */
	GW_EFORMAT = -3,     /* not valid JSON / not UTF-8 / trailing bytes */
	GW_EPROTO = -4,      /* valid JSON but not an OCPP-J frame, payload incomplete */
	GW_EOCCURRENCE = -5, /* required field missing, cardinality violated */
	GW_ETYPE = -6,       /* wrong JSON type for a field */
	GW_ECONSTRAINT = -7, /* right type, value out of range / enum / length */
	GW_ENOTIMPL = -8,    /* action unknown to us */
	GW_ENOTSUPP = -9,    /* action known, feature not supported */
	GW_ESECURITY = -10,  /* not allowed in this security state */
	GW_EINTERNAL = -11,  /* our own failure while handling */
	GW_ENOTFOUND = -12,  /* no such row / object */
	GW_ECONFLICT = -13,  /* state does not allow this change */
	GW_ESTORE = -14,     /* storage failed (transient: disk, lock, I/O) */
	GW_EDUP = -15,       /* duplicate (message id already being handled) */
	GW_ETIMEOUT = -16,   /* no answer in time */
	GW_EBUSY = -17,      /* queue full, try later */
	GW_ETOOBIG = -18,    /* over a configured ceiling */
	GW_EMSGTYPE = -19,   /* unknown OCPP-J message type number */
	GW_EAUTH = -20,      /* authentication failed */
	GW_ECONFIG = -21,    /* bad configuration */
	GW_EIO = -22,        /* system call failed */
	GW_EGENERIC = -23,   /* anything else */
	GW_ECLOSED = -24,    /* peer gone */
	GW_ECALLERROR = -25, /* the peer answered a CALL with a CALLERROR */
};

/* Static, never NULL, for any int (unknown codes give "unknown error"). */
const char *gw_strerror(int err);

#endif
