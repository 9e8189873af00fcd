-- MySQL dump 10.13
CREATE TABLE `payroll` (
  `id` int NOT NULL,
  `employee_name` varchar(80),
  `ssn` char(9),
  `routing` char(9),
  `account_number` varchar(17),
  PRIMARY KEY (`id`)
);
INSERT INTO `payroll` VALUES (1,'Gloria Pham','603415582','121000358','000123456789'),(2,'Henry Osei','471902263','021000021','7730019985');
