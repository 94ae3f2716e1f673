/*
 * Coordinates on the earth as Chinese phones report them.  GPS gives WGS-84; maps sold in China
 * (and their SDKs) give GCJ-02, WGS-84 shifted by a published obfuscation of some hundreds of
 * metres inside mainland China (none outside it).  Attendance stores and compares WGS-84:
 * convert what a client says it carries, then measure.
 */
#ifndef ATRIUM_CORE_GEO_H
#define ATRIUM_CORE_GEO_H

enum geo_system { GEO_WGS84, GEO_GCJ02 };

/* Whether (lat, lng) lies where GCJ-02 shifts points: roughly mainland China. */
int geo_in_china(double lat, double lng);
/* WGS-84 to GCJ-02 (unchanged outside China). */
void geo_wgs84_to_gcj02(double lat, double lng, double *out_lat, double *out_lng);
/* GCJ-02 to WGS-84, by iteration, to well under a metre (unchanged outside China). */
void geo_gcj02_to_wgs84(double lat, double lng, double *out_lat, double *out_lng);
/* Great-circle distance in metres between two WGS-84 points (haversine, mean earth radius). */
double geo_distance_m(double lat1, double lng1, double lat2, double lng2);
/* Whether lat and lng are finite and within ±90 and ±180. */
int geo_valid(double lat, double lng);

#endif
