-- Record one send (or failed try) of the monthly report.
insert or replace into report_log values ($month, $recipient, $status, $error, now())
